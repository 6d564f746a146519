import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Catalog, per-store stock with its append-only ledger, durable idempotency records and the
 * transactional event table behind the replication feed.
 */
export class InitialSchema1732406400000 implements MigrationInterface {
  name = 'InitialSchema1732406400000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE stores (
        id                text PRIMARY KEY CHECK (id ~ '^[a-z0-9][a-z0-9-]{0,63}$'),
        name              text NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
        created_at        timestamptz NOT NULL DEFAULT now(),
        last_heartbeat_at timestamptz,
        replica_offset    bigint
      )`);

    await queryRunner.query(`
      CREATE TABLE products (
        id         text PRIMARY KEY CHECK (id ~ '^[A-Z0-9][A-Z0-9._-]{0,63}$'),
        name       text NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
        price      numeric(12, 2) NOT NULL CHECK (price >= 0),
        version    integer NOT NULL DEFAULT 1,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now(),
        deleted_at timestamptz
      )`);

    // Quantities are bounded far below integer overflow so that on_hand + delta never overflows.
    await queryRunner.query(`
      CREATE TABLE stock_levels (
        product_id text NOT NULL REFERENCES products (id),
        store_id   text NOT NULL REFERENCES stores (id),
        on_hand    integer NOT NULL CHECK (on_hand BETWEEN 0 AND 1000000000),
        reserved   integer NOT NULL DEFAULT 0 CHECK (reserved >= 0),
        available  integer GENERATED ALWAYS AS (on_hand - reserved) STORED,
        version    integer NOT NULL CHECK (version >= 1),
        updated_at timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (product_id, store_id),
        CONSTRAINT stock_levels_available_not_negative CHECK (on_hand - reserved >= 0)
      )`);
    await queryRunner.query(
      `CREATE INDEX stock_levels_by_store ON stock_levels (store_id, product_id)`,
    );

    await queryRunner.query(`
      CREATE TABLE stock_movements (
        id              bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        product_id      text NOT NULL,
        store_id        text NOT NULL,
        kind            text NOT NULL CHECK (kind IN
                          ('receive', 'sale', 'return', 'damage', 'adjust', 'count', 'reserve', 'release')),
        delta           integer NOT NULL,
        reserved_delta  integer NOT NULL DEFAULT 0,
        on_hand_after   integer NOT NULL,
        reserved_after  integer NOT NULL,
        version_after   integer NOT NULL,
        reference       text,
        note            text,
        actor           text NOT NULL,
        idempotency_key text,
        request_id      text,
        created_at      timestamptz NOT NULL DEFAULT now(),
        FOREIGN KEY (product_id, store_id) REFERENCES stock_levels (product_id, store_id)
      )`);
    await queryRunner.query(
      `CREATE INDEX stock_movements_by_product ON stock_movements (product_id, id)`,
    );
    // The ledger is append-only: history is corrected by new movements, never rewritten.
    await queryRunner.query(`
      CREATE FUNCTION forbid_ledger_rewrite() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        RAISE EXCEPTION 'stock_movements is append-only';
      END $$`);
    await queryRunner.query(`
      CREATE TRIGGER stock_movements_append_only
        BEFORE UPDATE OR DELETE OR TRUNCATE ON stock_movements
        FOR EACH STATEMENT EXECUTE FUNCTION forbid_ledger_rewrite()`);

    await queryRunner.query(`
      CREATE TABLE idempotency_keys (
        actor           text NOT NULL,
        key             text NOT NULL,
        fingerprint     text NOT NULL,
        status          text NOT NULL CHECK (status IN ('in_flight', 'completed')),
        response_status smallint,
        response_body   text,
        created_at      timestamptz NOT NULL DEFAULT now(),
        locked_at       timestamptz NOT NULL DEFAULT now(),
        completed_at    timestamptz,
        PRIMARY KEY (actor, key)
      )`);
    await queryRunner.query(
      `CREATE INDEX idempotency_keys_by_age ON idempotency_keys (created_at)`,
    );

    // seq is the feed offset; it is stamped after commit by the sequencer, in commit order.
    await queryRunner.query(`
      CREATE TABLE events (
        id              bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        seq             bigint UNIQUE,
        type            text NOT NULL,
        product_id      text,
        store_id        text,
        payload         jsonb NOT NULL,
        idempotency_key text,
        request_id      text,
        created_at      timestamptz NOT NULL DEFAULT now(),
        sequenced_at    timestamptz
      )`);
    await queryRunner.query(`CREATE INDEX events_unsequenced ON events (id) WHERE seq IS NULL`);
    await queryRunner.query(`CREATE INDEX events_by_sequenced_at ON events (sequenced_at)`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE events`);
    await queryRunner.query(`DROP TABLE idempotency_keys`);
    await queryRunner.query(`DROP TABLE stock_movements`);
    await queryRunner.query(`DROP FUNCTION forbid_ledger_rewrite`);
    await queryRunner.query(`DROP TABLE stock_levels`);
    await queryRunner.query(`DROP TABLE products`);
    await queryRunner.query(`DROP TABLE stores`);
  }
}
