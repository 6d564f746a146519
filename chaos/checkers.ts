import { withConnection } from '../bench/system/postgres';
import type { Change, Completed } from './history';
import { type ChaosSystem, KEYS } from './system';

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

export const verdict = (checker: string, problems: unknown[]): Verdict => ({
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

const NEGATIVE = `SELECT product_id, store_id, on_hand, available, online_available, allotment
  FROM stock_levels WHERE on_hand < 0 OR available < 0 OR online_available < 0 OR allotment < 0`;

export async function negativeLevels(url: string): Promise<Record<string, unknown>[]> {
  return withConnection(
    url,
    async (client) => (await client.query<Record<string, unknown>>(NEGATIVE)).rows,
  );
}

/**
 * No level anywhere (central, every replica) has negative stock, availability or allotment:
 * in the samples taken during the run, and now.
 */
export async function checkNoOversell(system: ChaosSystem, sampled: unknown[]): Promise<Verdict> {
  const problems: unknown[] = [...sampled];
  for (const node of [
    { name: 'central', databaseUrl: system.centralDatabaseUrl },
    ...system.stores,
  ]) {
    const rows = await negativeLevels(node.databaseUrl);
    problems.push(...rows.map((row) => ({ at: node.name, ...row })));
  }
  return verdict('no oversell', problems);
}

/** Products as the feed carries them: central's catalog, deleted ones included. */
const PRODUCTS = `SELECT id, version, deleted_at IS NOT NULL AS deleted FROM products ORDER BY id`;

async function productsOf(url: string): Promise<Map<string, string>> {
  return withConnection(url, async (client) => {
    const { rows } = await client.query<{ id: string; version: number; deleted: boolean }>(
      PRODUCTS,
    );
    return new Map(rows.map((row) => [row.id, `v${row.version}${row.deleted ? ' deleted' : ''}`]));
  });
}

/**
 * What the store answers for its own levels (from its in-memory read model) is central's level,
 * with nothing pending; a deleted product is not found.
 */
async function readsThatDisagree(
  store: ChaosSystem['stores'][number],
  central: Levels,
  catalog: Map<string, string>,
): Promise<unknown[]> {
  const problems: unknown[] = [];
  for (const [level, truth] of central) {
    const [productId, storeId] = level.split('@');
    if (storeId !== store.name) continue;
    const response = await fetch(`${store.process.baseUrl}/v1/store/inventory/${productId}`, {
      headers: { 'x-api-key': KEYS.client },
    });
    const deleted = catalog.get(productId)?.endsWith('deleted') ?? true;
    const read = response.ok ? ((await response.json()) as Record<string, unknown>) : undefined;
    const agrees = deleted
      ? response.status === 404
      : read !== undefined &&
        read.pendingQuantity === 0 &&
        (['onHand', 'reserved', 'allotment', 'version'] as const).every(
          (field) => read[field] === truth[field],
        );
    if (!agrees)
      problems.push({
        store: store.name,
        level,
        central: truth,
        read: response.status,
        body: read,
      });
  }
  return problems;
}

/**
 * After the heal, every replica holds exactly central's levels and products, and every store
 * answers its own levels as central holds them.
 */
export async function checkConvergence(system: ChaosSystem): Promise<Verdict> {
  const central = await centralLevels(system);
  const catalog = await productsOf(system.centralDatabaseUrl);
  const problems: unknown[] = [];
  for (const store of system.stores) {
    const replica = await levelsOf(store.databaseUrl);
    for (const [level, truth] of central) {
      const copy = replica.get(level);
      if (JSON.stringify(copy) !== JSON.stringify(truth))
        problems.push({ store: store.name, level, central: truth, replica: copy });
    }
    problems.push(...(await readsThatDisagree(store, central, catalog)));
    const products = await productsOf(store.databaseUrl);
    for (const [product, truth] of catalog)
      if (products.get(product) !== truth)
        problems.push({
          store: store.name,
          product,
          central: truth,
          replica: products.get(product),
        });
  }
  return verdict('convergence', problems);
}

/**
 * No attempt was answered with an error of the service's own: a fault may make an answer
 * unknown (503, a reset, a timeout), never a 500.
 */
export function checkAnswers(history: Completed[]): Verdict {
  const problems = history.filter((operation) =>
    operation.answers.some((answer) => answer.startsWith('5') && !answer.startsWith('503')),
  );
  return verdict('answers', problems);
}

/** No node died by itself: a crash is a bug, whatever the fault that provoked it. */
export function checkCrashes(system: ChaosSystem): Verdict {
  return verdict('crashes', system.crashes);
}

/** What central's ledger holds under one key for one level: how many movements, and their sum. */
export type LedgerEntries = Map<string, { movements: number; delta: number; onHandAfter: number }>;

const entryOf = (change: Change) => `${change.ledgerKey} ${change.productId}@${change.storeId}`;

/**
 * Central's ledger by key and level. Central's own writes carry the caller's key; a store's
 * (forwarded, or an outbox entry) carry `<caller>/<key>`, so the prefix up to the last `/` is
 * dropped (the harness's keys have none). Read once, for the exactly-once and conservation
 * checkers: one pass over the ledger, whatever the history's length.
 */
export async function ledgerEntries(
  system: ChaosSystem,
  keyPrefix: string,
): Promise<LedgerEntries> {
  return withConnection(system.centralDatabaseUrl, async (client) => {
    const { rows } = await client.query<{
      key: string;
      product_id: string;
      store_id: string;
      movements: number;
      delta: number;
      on_hand_after: number;
    }>(
      `SELECT key, product_id, store_id, count(*)::int AS movements, sum(delta)::int AS delta,
              max(on_hand_after) AS on_hand_after
       FROM (SELECT regexp_replace(coalesce(outbox_key, idempotency_key), '^.*/', '') AS key,
                    product_id, store_id, delta, on_hand_after
             FROM stock_movements) AS keyed
       WHERE starts_with(key, $1)
       GROUP BY key, product_id, store_id`,
      [keyPrefix],
    );
    return new Map(
      rows.map((row) => [
        `${row.key} ${row.product_id}@${row.store_id}`,
        { movements: row.movements, delta: row.delta, onHandAfter: row.on_hand_after },
      ]),
    );
  });
}

/** How many movements each of an operation's changes has in the ledger. */
const movementsOf = (operation: Completed, ledger: LedgerEntries) =>
  operation.changes.map((change) => ledger.get(entryOf(change))?.movements ?? 0);

/** Whether each of an operation's changes applied: as its answer says, or as the ledger shows. */
function appliedChanges(operation: Completed, ledger: LedgerEntries): boolean[] {
  if (operation.outcome === 'ok') return operation.applied ?? operation.changes.map(() => true);
  if (operation.outcome === 'fail') return operation.changes.map(() => false);
  return movementsOf(operation, ledger).map((movements) => movements === 1);
}

/**
 * Every acknowledged change is in the ledger exactly once, no refused one is, an unknown one at
 * most once (and all of an atomic operation's or none), and the ledger holds nothing under the
 * run's keys that no operation of the history made.
 */
export function checkExactlyOnce(history: Completed[], ledger: LedgerEntries): Verdict {
  const problems: unknown[] = [];
  const expected = new Set<string>();
  for (const operation of history) {
    for (const change of operation.changes) expected.add(entryOf(change));
    const found = movementsOf(operation, ledger);
    const applied = appliedChanges(operation, ledger);
    const wrong =
      operation.outcome === 'info'
        ? found.some((movements) => movements > 1) || (operation.atomic && new Set(found).size > 1)
        : found.some((movements, index) => movements !== (applied[index] ? 1 : 0));
    if (wrong) problems.push({ ...operation, foundInLedger: found });
  }
  for (const [entry, { movements }] of ledger)
    if (!expected.has(entry)) problems.push({ unexpectedInLedger: entry, movements });
  return verdict('exactly once', problems);
}

/**
 * The bank check: every level's final onHand is its initial onHand plus the deltas of the
 * acknowledged changes and of the unknown ones the ledger shows applied (a count moves it by
 * what its movement found, and must have left exactly the counted quantity).
 */
export async function checkConservation(
  system: ChaosSystem,
  initial: Levels,
  history: Completed[],
  ledger: LedgerEntries,
): Promise<Verdict> {
  const expected = new Map([...initial].map(([level, state]) => [level, state.onHand]));
  const problems: unknown[] = [];
  for (const operation of history) {
    const applied = appliedChanges(operation, ledger);
    operation.changes.forEach((change, index) => {
      if (!applied[index]) return;
      const entry = ledger.get(entryOf(change));
      const level = `${change.productId}@${change.storeId}`;
      expected.set(level, (expected.get(level) ?? 0) + (change.delta ?? entry?.delta ?? 0));
      const counted = (operation.request.body as { onHand?: number } | undefined)?.onHand;
      if (operation.kind === 'count' && entry?.onHandAfter !== counted)
        problems.push({ count: operation.key, level, counted, left: entry?.onHandAfter });
    });
  }
  const final = await centralLevels(system);
  for (const level of new Set([...expected.keys(), ...final.keys()])) {
    const [want, got] = [expected.get(level) ?? 0, final.get(level)?.onHand ?? 0];
    if (want !== got) problems.push({ level, expected: want, actual: got });
  }
  return verdict('conservation', problems);
}
