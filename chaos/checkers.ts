import { withConnection } from '../bench/system/postgres';
import type { Completed, Outcome } from './history';
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

/**
 * The levels and movements that disagree with the ledger: on_hand and reserved are the sums of
 * their deltas, the version counts the movements, and each movement's after-values are the
 * running totals. Empty when consistent; the e2e tests run it too.
 */
export const LEDGER_INCONSISTENCIES = `
    WITH running AS (
      SELECT m.product_id, m.store_id, m.id, m.on_hand_after, m.version_after, m.reserved_after,
             sum(m.delta) OVER w AS running_on_hand,
             sum(m.reserved_delta) OVER w AS running_reserved,
             row_number() OVER w AS running_version
      FROM stock_movements m
      WINDOW w AS (PARTITION BY m.product_id, m.store_id ORDER BY m.version_after
                   ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW)
    ), bad_movements AS (
      SELECT 'movement' AS what, product_id, store_id, id::text AS detail FROM running
      WHERE on_hand_after <> running_on_hand OR version_after <> running_version
         OR reserved_after <> running_reserved
    ), totals AS (
      SELECT l.product_id, l.store_id, l.on_hand, l.version, l.reserved,
             coalesce(sum(m.delta), 0) AS sum_delta, count(m.id) AS movements,
             coalesce(sum(m.reserved_delta), 0) AS sum_reserved
      FROM stock_levels l
      LEFT JOIN stock_movements m ON m.product_id = l.product_id AND m.store_id = l.store_id
      GROUP BY l.product_id, l.store_id, l.on_hand, l.version, l.reserved
    )
    SELECT * FROM bad_movements
    UNION ALL
    SELECT 'level', product_id, store_id,
           format('on_hand=%s sum=%s version=%s movements=%s reserved=%s sum=%s', on_hand,
                  sum_delta, version, movements, reserved, sum_reserved)
    FROM totals WHERE on_hand <> sum_delta OR version <> movements OR reserved <> sum_reserved`;

/** The ledger is the truth of every level, and of every step of it. */
export async function checkLedger(system: ChaosSystem): Promise<Verdict> {
  const problems = await withConnection(system.centralDatabaseUrl, async (client) => {
    const { rows } = await client.query<Record<string, unknown>>(LEDGER_INCONSISTENCIES);
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

/** How many movements of central's ledger each operation's key has. */
export type LedgerCounts = Map<string, number>;

/**
 * Each operation's key in central's ledger: central's own writes under the key itself, a
 * store's (forwarded, or an outbox entry) under `<caller>/<key>`. Read once, for the exactly
 * once and the conservation checkers.
 */
export async function ledgerCounts(
  system: ChaosSystem,
  history: Completed[],
): Promise<LedgerCounts> {
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

/** How often an operation of each outcome may be in the ledger. */
const ALLOWED_IN_LEDGER: Record<Outcome, (found: number) => boolean> = {
  ok: (found) => found === 1, // acknowledged: exactly once
  fail: (found) => found === 0, // refused: never
  info: (found) => found <= 1, // unknown: at most once
};

export function checkExactlyOnce(history: Completed[], counts: LedgerCounts): Verdict {
  const problems = history.flatMap((operation) => {
    const found = counts.get(operation.key) ?? 0;
    return ALLOWED_IN_LEDGER[operation.outcome](found)
      ? []
      : [{ ...operation, foundInLedger: found }];
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
  counts: LedgerCounts,
): Promise<Verdict> {
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
