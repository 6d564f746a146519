import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Central's allotment policy: a store's share of each level's available units (NULL: the
 * ALLOTMENT_SHARE default), a level's own target overriding it, and what the store last
 * reported of its outbox with its heartbeat.
 */
export class AllotmentPolicy1733356800000 implements MigrationInterface {
  name = 'AllotmentPolicy1733356800000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      ALTER TABLE stores
        ADD COLUMN allotment_share numeric(4, 3) CHECK (allotment_share BETWEEN 0 AND 1),
        ADD COLUMN outbox_pending integer,
        ADD COLUMN outbox_oldest_pending_at timestamptz,
        ADD COLUMN outbox_rejected integer`);
    await queryRunner.query(`
      CREATE INDEX stock_levels_allotted ON stock_levels (store_id) WHERE allotment > 0`);
    await queryRunner.query(`
      CREATE TABLE allotment_targets (
        product_id text NOT NULL REFERENCES products (id),
        store_id   text NOT NULL REFERENCES stores (id),
        target     integer NOT NULL CHECK (target >= 0),
        updated_at timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (product_id, store_id)
      )`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE allotment_targets`);
    await queryRunner.query(`DROP INDEX stock_levels_allotted`);
    await queryRunner.query(`
      ALTER TABLE stores
        DROP COLUMN outbox_rejected,
        DROP COLUMN outbox_oldest_pending_at,
        DROP COLUMN outbox_pending,
        DROP COLUMN allotment_share`);
  }
}
