import {
  BATCH_SIZE,
  Catalog,
  HOT_PRODUCT_ID,
  HOT_STORE_ID,
  LEVEL_STOCK,
  STORE_IDS,
} from '../workload';
import { captureWriteStatements, PER_WRITE, Statement } from './service-statements';

/** A pgbench custom script and the -D variables it reads. */
export interface PgbenchScript {
  text: string;
  variables: string[];
}

/** What replaces a per-write value: an expression pgbench evaluates per transaction, or a constant. */
type PerWriteValue = { expression: string } | { constant: string };
type PerWriteValues = Record<keyof typeof PER_WRITE, PerWriteValue>;

/**
 * Turns statements into pgbench commands. Per-write values become expressions of pgbench's
 * random variables; every other bound value becomes a -D variable, so it still travels as a
 * bound parameter exactly as node-postgres sends it; NULLs stay NULL.
 */
class ScriptWriter {
  private readonly lines: string[] = [];
  private readonly constants = new Map<string, string>();

  meta(line: string): void {
    this.lines.push(line);
  }

  sql(statement: Statement, perWrite: PerWriteValues): void {
    const byStandIn = new Map<unknown, PerWriteValue>(
      Object.entries(PER_WRITE).map(([name, standIn]) => [
        standIn,
        perWrite[name as keyof typeof PER_WRITE],
      ]),
    );
    const text = statement.sql.replace(/\$(\d+)/g, (_, position: string) => {
      // The service binds only strings, numbers and NULLs.
      const value = statement.params[Number(position) - 1] as string | number | null | undefined;
      if (value === null || value === undefined) return 'NULL';
      const perWriteValue = byStandIn.get(value);
      if (perWriteValue && 'expression' in perWriteValue) return perWriteValue.expression;
      return this.variableFor(perWriteValue?.constant ?? String(value));
    });
    this.lines.push(`${text.trim()};`);
  }

  script(): PgbenchScript {
    return {
      text: `${this.lines.join('\n')}\n`,
      variables: [...this.constants].map(([value, name]) => `${name}=${value}`),
    };
  }

  private variableFor(value: string): string {
    if (!this.constants.has(value)) this.constants.set(value, `c${this.constants.size + 1}`);
    return `:${this.constants.get(value)}`;
  }
}

/** Catalog.productId in SQL. */
function productOf(catalog: Catalog, variable: string): PerWriteValue {
  return { expression: `('P' || lpad(:${variable}::text, ${catalog.width}, '0'))` };
}

/** The JSON the service stores as the idempotent response, sized like the real one. */
function levelResponse(productId: string, storeId: string): Record<string, unknown> {
  return {
    productId,
    storeId,
    onHand: LEVEL_STOCK - 1,
    reserved: 0,
    available: LEVEL_STOCK - 1,
    version: 2,
    updatedAt: new Date().toISOString(),
    applied: true,
  };
}

const RANDOM_KEY = '\\set key random(1, 1000000000000000)';
const RANDOM_KEY_VALUE: PerWriteValue = { expression: "('pgbench-' || :key)" };
/** Catalog.homeStoreOf and randomStore: 1..3 picks store-s1..s3. */
const STORE_OF_S: PerWriteValue = { expression: "('store-s' || :s)" };

/** One sale, as writes-spread (random product at its home store) or writes-hot (one level). */
export async function singleWriteScript(
  catalog: Catalog,
  target: 'spread' | 'hot',
): Promise<PgbenchScript> {
  const body = JSON.stringify(levelResponse(catalog.productId(1), STORE_IDS[0]));
  const { claim, apply, complete } = await captureWriteStatements(body);
  const perWrite: PerWriteValues =
    target === 'spread'
      ? {
          productId: productOf(catalog, 'i'),
          storeId: STORE_OF_S,
          idempotencyKey: RANDOM_KEY_VALUE,
        }
      : {
          productId: { constant: HOT_PRODUCT_ID },
          storeId: { constant: HOT_STORE_ID },
          idempotencyKey: RANDOM_KEY_VALUE,
        };
  const writer = new ScriptWriter();
  writer.meta(`\\set i random(1, ${catalog.productCount})`);
  writer.meta(`\\set s :i % ${STORE_IDS.length} + 1`);
  writer.meta(RANDOM_KEY);
  writer.sql(claim, perWrite);
  writer.meta('BEGIN;');
  writer.sql(apply, perWrite);
  writer.sql(complete, perWrite);
  writer.meta('COMMIT;');
  return writer.script();
}

/**
 * An atomic batch of 50 sales at one random store: the service applies the items one statement
 * each, in product order, inside one transaction. Catalog.stratifiedSample draws one product
 * per slice, so the items come out distinct and already in order, as here.
 */
export async function batchWriteScript(catalog: Catalog): Promise<PgbenchScript> {
  const items = Array.from({ length: BATCH_SIZE }, (_, k) =>
    levelResponse(catalog.productId(k + 1), STORE_IDS[0]),
  );
  const body = JSON.stringify({ storeId: STORE_IDS[0], atomic: true, results: items });
  const { claim, apply, complete } = await captureWriteStatements(body);
  const slice = Math.floor(catalog.productCount / BATCH_SIZE);
  const writer = new ScriptWriter();
  writer.meta(`\\set s random(1, ${STORE_IDS.length})`);
  for (let k = 0; k < BATCH_SIZE; k++)
    writer.meta(`\\set i${k} ${k * slice} + random(1, ${slice})`);
  writer.meta(RANDOM_KEY);
  const forItem = (k: number): PerWriteValues => ({
    productId: productOf(catalog, `i${k}`),
    storeId: STORE_OF_S,
    idempotencyKey: RANDOM_KEY_VALUE,
  });
  writer.sql(claim, forItem(0));
  writer.meta('BEGIN;');
  for (let k = 0; k < BATCH_SIZE; k++) writer.sql(apply, forItem(k));
  writer.sql(complete, forItem(0));
  writer.meta('COMMIT;');
  return writer.script();
}
