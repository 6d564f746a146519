import { Client } from 'pg';

const CHANNEL = 'bench_replica_applied';

/**
 * Instrumentation installed in each store's own database for the propagation scenario: the
 * store commits every applied feed page together with its new offset in replica_state, so a
 * trigger there NOTIFYs that offset, and Postgres delivers the notification only when the
 * page's transaction commits. The harness thus learns the moment each replica holds an
 * offset, with no polling at all; the trigger costs one notify per page.
 */
const INSTALL_SQL = `
  CREATE OR REPLACE FUNCTION bench_notify_replica_applied() RETURNS trigger
  LANGUAGE plpgsql AS $$
  BEGIN
    PERFORM pg_notify('${CHANNEL}', NEW.applied_offset::text);
    RETURN NULL;
  END $$;
  DROP TRIGGER IF EXISTS bench_replica_applied ON replica_state;
  CREATE TRIGGER bench_replica_applied AFTER UPDATE OF applied_offset ON replica_state
    FOR EACH ROW EXECUTE FUNCTION bench_notify_replica_applied();`;

const UNINSTALL_SQL = `
  DROP TRIGGER IF EXISTS bench_replica_applied ON replica_state;
  DROP FUNCTION IF EXISTS bench_notify_replica_applied();`;

/** When (performance.now()) a replica reported having applied up to an offset, in order. */
export interface AppliedMark {
  offset: number;
  at: number;
}

export class ReplicaApplyListener {
  readonly marks: AppliedMark[] = [];

  private constructor(
    readonly storeId: string,
    private readonly client: Client,
  ) {}

  static async start(storeId: string, databaseUrl: string): Promise<ReplicaApplyListener> {
    const client = new Client({ connectionString: databaseUrl });
    await client.connect();
    const listener = new ReplicaApplyListener(storeId, client);
    client.on('notification', (message) =>
      listener.marks.push({ offset: Number(message.payload), at: performance.now() }),
    );
    await client.query(INSTALL_SQL);
    await client.query(`LISTEN ${CHANNEL}`);
    return listener;
  }

  /** The first moment the replica held `offset`; undefined if it never reported it. */
  appliedAt(offset: number): number | undefined {
    let low = 0;
    let high = this.marks.length;
    while (low < high) {
      const middle = (low + high) >> 1;
      if (this.marks[middle].offset >= offset) high = middle;
      else low = middle + 1;
    }
    return this.marks[low]?.at;
  }

  async stop(): Promise<void> {
    await this.client.query(UNINSTALL_SQL);
    await this.client.end();
  }
}
