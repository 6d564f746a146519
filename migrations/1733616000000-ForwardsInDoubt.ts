import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * forwards_in_doubt (store nodes): the central-side keys of forwarded writes that may have
 * reached central without its answer coming back. While a key is here, a retry that cannot
 * reach central answers outcome_unknown, never "not applied": an earlier request may have
 * landed. A key is written before its write leaves (so a process killed mid-request leaves
 * its doubt behind) and removed when central answers it.
 */
export class ForwardsInDoubt1733616000000 implements MigrationInterface {
  name = 'ForwardsInDoubt1733616000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE forwards_in_doubt (
        central_key text PRIMARY KEY,
        sent_at     timestamptz NOT NULL DEFAULT now()
      )`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE forwards_in_doubt`);
  }
}
