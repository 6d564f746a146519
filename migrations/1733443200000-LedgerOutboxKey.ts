import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * stock_movements.outbox_key: the key of the store outbox entry a movement applied. Unique per
 * store, so the ledger itself holds each entry at most once, for ever (idempotency records
 * expire; the ledger does not), and a re-sent entry is answered from its movement.
 */
export class LedgerOutboxKey1733443200000 implements MigrationInterface {
  name = 'LedgerOutboxKey1733443200000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE stock_movements ADD COLUMN outbox_key text`);
    await queryRunner.query(
      `CREATE UNIQUE INDEX stock_movements_outbox_entry ON stock_movements (store_id, outbox_key)
       WHERE outbox_key IS NOT NULL`,
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP INDEX stock_movements_outbox_entry`);
    await queryRunner.query(`ALTER TABLE stock_movements DROP COLUMN outbox_key`);
  }
}
