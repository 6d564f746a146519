import { withConnection } from '../bench/system/postgres';
import { negativeLevels, type Verdict, verdict } from './checkers';
import type { Completed } from './history';
import type { ChaosSystem } from './system';

/** Which movements end a hold in each status: [sales, releases] per item. */
const ENDINGS: Record<string, [number, number]> = {
  active: [0, 0],
  committed: [1, 0],
  released: [0, 1],
  expired: [0, 1],
};

/** How long past its expiry a hold may still be active: the sweeper runs every second. */
const SWEEP_GRACE = '3 seconds';

/**
 * Every hold ended at most once and as its status says (one reserve movement per item, then
 * one sale if committed or one release if released or expired), none outlived its expiry, each
 * level's `reserved` is exactly what its active holds hold, and every acknowledged ending left
 * the hold in its status.
 */
export async function checkHolds(system: ChaosSystem, history: Completed[]): Promise<Verdict> {
  return withConnection(system.centralDatabaseUrl, async (client) => {
    const problems: unknown[] = [];
    const { rows: items } = await client.query<{
      id: string;
      status: string;
      overdue: boolean;
      product_id: string;
      reserves: number;
      sales: number;
      releases: number;
    }>(
      `SELECT r.id, r.status, r.status = 'active' AND r.expires_at < now() - $1::interval AS overdue,
              i.product_id,
              count(m.id) FILTER (WHERE m.kind = 'reserve')::int AS reserves,
              count(m.id) FILTER (WHERE m.kind = 'sale')::int AS sales,
              count(m.id) FILTER (WHERE m.kind = 'release')::int AS releases
       FROM reservations r
       JOIN reservation_items i ON i.reservation_id = r.id
       LEFT JOIN stock_movements m ON m.reservation_id = r.id AND m.product_id = i.product_id
       GROUP BY r.id, i.product_id`,
      [SWEEP_GRACE],
    );
    const statusOf = new Map(items.map((item) => [item.id, item.status]));
    for (const item of items) {
      const [sales, releases] = ENDINGS[item.status];
      if (item.reserves !== 1 || item.sales !== sales || item.releases !== releases || item.overdue)
        problems.push(item);
    }
    const { rows: levels } = await client.query<Record<string, unknown>>(
      `SELECT l.product_id, l.store_id, l.reserved, coalesce(h.held, 0)::int AS held
       FROM stock_levels l
       LEFT JOIN (SELECT r.store_id, i.product_id, sum(i.quantity) AS held
                  FROM reservations r JOIN reservation_items i ON i.reservation_id = r.id
                  WHERE r.status = 'active' GROUP BY r.store_id, i.product_id) h
         ON h.store_id = l.store_id AND h.product_id = l.product_id
       WHERE l.reserved <> coalesce(h.held, 0)`,
    );
    problems.push(...levels);
    problems.push(...endingsNotInStatus(history, statusOf));
    return verdict('holds', problems);
  });
}

/** An acknowledged hold must exist; an acknowledged commit or release must have left it so. */
function endingsNotInStatus(history: Completed[], statusOf: Map<string, string>): unknown[] {
  const held = new Map(
    history
      .filter((operation) => operation.kind === 'hold' && operation.outcome === 'ok')
      .map((hold) => [`${hold.key}-end`, hold.reservationId!]),
  );
  const problems: unknown[] = [...held.values()]
    .filter((id) => !statusOf.has(id))
    .map((id) => ({ acknowledgedHoldMissing: id }));
  for (const ending of history) {
    const id = held.get(ending.key);
    if (!id || ending.outcome === 'info') continue;
    const status = ending.kind === 'commit-hold' ? 'committed' : 'released';
    if ((ending.outcome === 'ok') !== (statusOf.get(id) === status))
      problems.push({ ...ending, reservationId: id, status: statusOf.get(id) });
  }
  return problems;
}

/** Every acknowledged product creation is in central's catalog, every acknowledged deletion deleted. */
export async function checkCatalog(system: ChaosSystem, history: Completed[]): Promise<Verdict> {
  const products = await withConnection(system.centralDatabaseUrl, async (client) => {
    const { rows } = await client.query<{ id: string; deleted: boolean }>(
      `SELECT id, deleted_at IS NOT NULL AS deleted FROM products`,
    );
    return new Map(rows.map((row) => [row.id, row.deleted]));
  });
  const problems = history.flatMap((operation) => {
    if (operation.outcome !== 'ok') return [];
    const productId = productOf(operation);
    if (operation.kind === 'create-product' && !products.has(productId)) return [operation];
    if (operation.kind === 'delete-product' && products.get(productId) !== true) return [operation];
    return [];
  });
  return verdict('catalog', problems);
}

function productOf(operation: Completed): string {
  const body = operation.request.body as { products?: { productId: string }[] } | undefined;
  return body?.products?.[0].productId ?? operation.request.path.split('/').pop()!;
}

/**
 * Central's feed has no gap: its sequenced events are numbered pruned_through + 1 .. head, each
 * once. Every store applied every offset once and in order, up to the head: its apply log
 * (REPLICA_APPLY_LOG, written in each page's own transaction) chains each page onto the last
 * committed offset, a page holds exactly the offsets from + 1 .. to (central's feed is
 * dense), and only a snapshot may jump. No store's applied offset ever went back in the samples
 * taken during the run.
 */
export async function checkFeed(system: ChaosSystem, sampler: InvariantSampler): Promise<Verdict> {
  const problems: unknown[] = [...sampler.offsetsGoneBack];
  const feed = await withConnection(system.centralDatabaseUrl, async (client) => {
    const { rows } = await client.query<{
      head: string;
      pruned: string;
      first: string | null;
      last: string | null;
      events: string;
    }>(
      `SELECT h.seq AS head, h.pruned_through AS pruned, min(e.seq) AS first, max(e.seq) AS last,
              count(e.seq) AS events
       FROM feed_head h LEFT JOIN events e ON e.seq IS NOT NULL
       GROUP BY h.seq, h.pruned_through`,
    );
    return rows[0];
  });
  const [head, pruned, events] = [Number(feed.head), Number(feed.pruned), Number(feed.events)];
  if (events !== head - pruned || (events > 0 && Number(feed.first) !== pruned + 1))
    problems.push({ feed });
  for (const store of system.stores) {
    const applied = await appliedOffsetOf(store.databaseUrl);
    if (applied !== head) problems.push({ store: store.name, applied, head });
    const steps = await applyLogOf(store.databaseUrl);
    problems.push(...applyLogProblems(steps).map((problem) => ({ store: store.name, ...problem })));
  }
  return verdict('feed', problems);
}

interface AppliedStep {
  id: number;
  kind: 'page' | 'snapshot';
  from: number | null;
  to: number;
  offsets: number[];
}

async function applyLogOf(url: string): Promise<AppliedStep[]> {
  return withConnection(url, async (client) => {
    const { rows } = await client.query<{
      id: string;
      kind: 'page' | 'snapshot';
      from_offset: string | null;
      to_offset: string;
      event_offsets: string[];
    }>('SELECT id, kind, from_offset, to_offset, event_offsets FROM replica_apply_log ORDER BY id');
    return rows.map((row) => ({
      id: Number(row.id),
      kind: row.kind,
      from: row.from_offset === null ? null : Number(row.from_offset),
      to: Number(row.to_offset),
      offsets: row.event_offsets.map(Number),
    }));
  });
}

/** A log that does not start with a snapshot, a page off the chain, a gap or a repeat. */
export function applyLogProblems(steps: AppliedStep[]): Record<string, unknown>[] {
  const problems: Record<string, unknown>[] = [];
  if (steps.length === 0 || steps[0].kind !== 'snapshot') problems.push({ log: 'no bootstrap' });
  let committed = 0;
  for (const step of steps) {
    if (step.kind === 'snapshot') {
      committed = step.to;
      continue;
    }
    const expected = Array.from({ length: step.to - committed }, (_, i) => committed + 1 + i);
    const exact =
      step.from === committed &&
      step.offsets.length === expected.length &&
      step.offsets.every((offset, i) => offset === expected[i]);
    if (!exact) problems.push({ step, committedBefore: committed });
    committed = step.to;
  }
  return problems;
}

async function appliedOffsetOf(url: string): Promise<number> {
  return withConnection(url, async (client) => {
    const { rows } = await client.query<{ applied_offset: string | null }>(
      'SELECT applied_offset FROM replica_state',
    );
    return Number(rows[0]?.applied_offset ?? 0);
  });
}

/**
 * Reads every database directly (not through the fault proxies) every few hundred
 * milliseconds while the run goes on: a negative level anywhere, or a replica whose applied
 * offset went back. A database that cannot be read (PostgreSQL restarting) is skipped.
 */
export class InvariantSampler {
  readonly negative: unknown[] = [];
  readonly offsetsGoneBack: unknown[] = [];
  samples = 0;
  private readonly offsets = new Map<string, number>();
  private running: Promise<void> | undefined;
  private stopped = false;

  constructor(
    private readonly system: ChaosSystem,
    private readonly everyMs: number,
  ) {}

  start(): void {
    this.running = this.loop();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    await this.running;
  }

  private async loop(): Promise<void> {
    while (!this.stopped) {
      await Promise.all([
        this.sampleCentral(),
        ...this.system.stores.map((s) => this.sampleStore(s.name, s.databaseUrl)),
      ]);
      this.samples += 1;
      await new Promise((resolve) => setTimeout(resolve, this.everyMs));
    }
  }

  private async sampleCentral(): Promise<void> {
    const rows = await negativeLevels(this.system.centralDatabaseUrl).catch(() => []);
    this.negative.push(...rows.map((row) => ({ at: 'central', ...row })));
  }

  private async sampleStore(store: string, url: string): Promise<void> {
    const rows = await negativeLevels(url).catch(() => []);
    this.negative.push(...rows.map((row) => ({ at: store, ...row })));
    const applied = await appliedOffsetOf(url).catch(() => undefined);
    if (applied === undefined) return;
    const before = this.offsets.get(store) ?? 0;
    if (applied < before) this.offsetsGoneBack.push({ store, before, applied });
    this.offsets.set(store, applied);
  }
}
