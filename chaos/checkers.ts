import { withConnection } from '../bench/system/postgres';
import type { Completed } from './history';
import type { ChaosSystem } from './system';

export interface Verdict {
  checker: string;
  ok: boolean;
  /** The offending levels or operations (a few of them). */
  problems: unknown[];
}

type Levels = Map<string, { onHand: number; reserved: number; allotment: number; version: number }>;

const LEVELS = `SELECT product_id, store_id, on_hand, reserved, allotment, version FROM stock_levels`;

async function levelsOf(url: string): Promise<Levels> {
  return withConnection(url, async (client) => {
    const { rows } = await client.query<{
      product_id: string;
      store_id: string;
      on_hand: number;
      reserved: number;
      allotment: number;
      version: number;
    }>(LEVELS);
    return new Map(
      rows.map((row) => [
        `${row.product_id}@${row.store_id}`,
        {
          onHand: row.on_hand,
          reserved: row.reserved,
          allotment: row.allotment,
          version: row.version,
        },
      ]),
    );
  });
}

export async function centralLevels(system: ChaosSystem): Promise<Levels> {
  return levelsOf(system.centralDatabaseUrl);
}

const verdict = (checker: string, problems: unknown[]): Verdict => ({
  checker,
  ok: problems.length === 0,
  problems: problems.slice(0, 10),
});

/** The ledger is the truth of every level: its deltas sum to onHand, its rows count the version. */
export async function checkLedger(system: ChaosSystem): Promise<Verdict> {
  const problems = await withConnection(system.centralDatabaseUrl, async (client) => {
    const { rows } = await client.query<Record<string, unknown>>(`
      SELECT l.product_id, l.store_id, l.on_hand, l.version,
             coalesce(sum(m.delta), 0)::int AS ledger_on_hand, count(m.id)::int AS movements
      FROM stock_levels l
      LEFT JOIN stock_movements m ON m.product_id = l.product_id AND m.store_id = l.store_id
      GROUP BY l.product_id, l.store_id, l.on_hand, l.version
      HAVING l.on_hand <> coalesce(sum(m.delta), 0) OR l.version <> count(m.id)`);
    return rows;
  });
  return verdict('ledger', problems);
}

/** No level anywhere (central, every replica) has negative stock, availability or allotment. */
export async function checkNoOversell(system: ChaosSystem): Promise<Verdict> {
  const negative = `SELECT product_id, store_id, on_hand, available, online_available, allotment
    FROM stock_levels WHERE on_hand < 0 OR available < 0 OR online_available < 0 OR allotment < 0`;
  const problems: unknown[] = [];
  for (const url of [
    system.centralDatabaseUrl,
    ...system.stores.map((store) => store.databaseUrl),
  ]) {
    const rows = await withConnection(
      url,
      async (client) => (await client.query<Record<string, unknown>>(negative)).rows,
    );
    problems.push(...rows.map((row) => ({ url: new URL(url).pathname, ...row })));
  }
  return verdict('no oversell', problems);
}

/** After the heal, every replica holds exactly central's levels. */
export async function checkConvergence(system: ChaosSystem): Promise<Verdict> {
  const central = await centralLevels(system);
  const problems: unknown[] = [];
  for (const store of system.stores) {
    const replica = await levelsOf(store.databaseUrl);
    for (const [level, truth] of central) {
      const copy = replica.get(level);
      if (JSON.stringify(copy) !== JSON.stringify(truth))
        problems.push({ store: store.name, level, central: truth, replica: copy });
    }
  }
  return verdict('convergence', problems);
}

/**
 * Each operation's key in central's ledger: central's own writes under the key itself, a
 * store's (forwarded, or an outbox entry) under `<caller>/<key>`. Acknowledged: exactly once;
 * failed: never; unknown: at most once.
 */
async function ledgerCounts(
  system: ChaosSystem,
  history: Completed[],
): Promise<Map<string, number>> {
  return withConnection(system.centralDatabaseUrl, async (client) => {
    const { rows } = await client.query<{ key: string; n: number }>(
      `SELECT k.key, count(m.id)::int AS n
       FROM unnest($1::text[]) AS k(key)
       LEFT JOIN stock_movements m
         ON m.idempotency_key = k.key OR coalesce(m.outbox_key, m.idempotency_key) LIKE '%/' || k.key
       GROUP BY k.key`,
      [history.map((operation) => operation.key)],
    );
    return new Map(rows.map((row) => [row.key, row.n]));
  });
}

export async function checkExactlyOnce(
  system: ChaosSystem,
  history: Completed[],
): Promise<Verdict> {
  const counts = await ledgerCounts(system, history);
  const problems = history.flatMap((operation) => {
    const found = counts.get(operation.key) ?? 0;
    const allowed =
      operation.outcome === 'ok'
        ? found === 1
        : operation.outcome === 'fail'
          ? found === 0
          : found <= 1;
    return allowed ? [] : [{ ...operation, foundInLedger: found }];
  });
  return verdict('exactly once', problems);
}

/**
 * The bank check: every level's final onHand is its initial onHand plus the deltas of the
 * acknowledged operations and of the unknown ones the ledger shows applied.
 */
export async function checkConservation(
  system: ChaosSystem,
  initial: Levels,
  history: Completed[],
): Promise<Verdict> {
  const counts = await ledgerCounts(system, history);
  const expected = new Map([...initial].map(([level, state]) => [level, state.onHand]));
  for (const operation of history) {
    const applied =
      operation.outcome === 'ok' ||
      (operation.outcome === 'info' && counts.get(operation.key) === 1);
    const level = `${operation.productId}@${operation.storeId}`;
    if (applied) expected.set(level, (expected.get(level) ?? 0) + operation.delta);
  }
  const final = await centralLevels(system);
  const problems = [...expected]
    .filter(([level, onHand]) => (final.get(level)?.onHand ?? 0) !== onHand)
    .map(([level, onHand]) => ({ level, expected: onHand, actual: final.get(level)?.onHand }));
  return verdict('conservation', problems);
}
