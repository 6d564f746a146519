import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * stock_levels.allotment: units escrowed to the store's own tills (see docs/architecture.md,
 * "Allotments"). Every other channel sells from online_available = on_hand - reserved - allotment.
 * The CHECK keeps the escrow inside what is there: 0 <= allotment <= on_hand - reserved.
 */
export class StockAllotment1733097600000 implements MigrationInterface {
  name = 'StockAllotment1733097600000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      ALTER TABLE stock_levels
        ADD COLUMN allotment integer NOT NULL DEFAULT 0,
        ADD COLUMN online_available integer GENERATED ALWAYS AS (on_hand - reserved - allotment) STORED,
        ADD CONSTRAINT stock_levels_allotment_within CHECK (allotment >= 0 AND allotment <= on_hand - reserved)`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      ALTER TABLE stock_levels
        DROP CONSTRAINT stock_levels_allotment_within,
        DROP COLUMN online_available,
        DROP COLUMN allotment`);
  }
}
