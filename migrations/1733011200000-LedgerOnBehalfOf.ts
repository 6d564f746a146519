import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * stock_movements.on_behalf_of: the caller of a store node that a forwarded write came from
 * (its API key id there), beside `actor`, the store's own key at central.
 */
export class LedgerOnBehalfOf1733011200000 implements MigrationInterface {
  name = 'LedgerOnBehalfOf1733011200000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE stock_movements ADD COLUMN on_behalf_of text`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE stock_movements DROP COLUMN on_behalf_of`);
  }
}
