import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The ledger tells escrow moves too: how a movement changed the allotment and what it left, and
 * the two movement kinds that only move units between the online pool and an allotment.
 */
export class LedgerAllotment1733184000000 implements MigrationInterface {
  name = 'LedgerAllotment1733184000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      ALTER TABLE stock_movements
        ADD COLUMN allotment_delta integer NOT NULL DEFAULT 0,
        ADD COLUMN allotment_after integer NOT NULL DEFAULT 0,
        DROP CONSTRAINT stock_movements_kind_check,
        ADD CONSTRAINT stock_movements_kind_check CHECK (kind IN ('receive', 'sale', 'return',
          'damage', 'adjust', 'count', 'reserve', 'release', 'allotment_grant', 'allotment_release'))`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      ALTER TABLE stock_movements
        DROP CONSTRAINT stock_movements_kind_check,
        ADD CONSTRAINT stock_movements_kind_check CHECK (kind IN ('receive', 'sale', 'return',
          'damage', 'adjust', 'count', 'reserve', 'release')),
        DROP COLUMN allotment_after,
        DROP COLUMN allotment_delta`);
  }
}
