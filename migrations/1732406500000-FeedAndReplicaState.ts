import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * feed_head: the last feed offset handed out and how far the feed has been pruned, one row.
 * replica_state: on a store node, how far its replica has applied central's feed, one row.
 */
export class FeedAndReplicaState1732406500000 implements MigrationInterface {
  name = 'FeedAndReplicaState1732406500000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE feed_head (
        singleton      boolean PRIMARY KEY DEFAULT true CHECK (singleton),
        seq            bigint NOT NULL DEFAULT 0,
        pruned_through bigint NOT NULL DEFAULT 0
      )`);
    await queryRunner.query(`INSERT INTO feed_head DEFAULT VALUES`);

    await queryRunner.query(`
      CREATE TABLE replica_state (
        singleton         boolean PRIMARY KEY DEFAULT true CHECK (singleton),
        applied_offset    bigint,
        central_head      bigint,
        last_applied_at   timestamptz,
        bootstrapped_at   timestamptz
      )`);
    await queryRunner.query(`INSERT INTO replica_state DEFAULT VALUES`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE replica_state`);
    await queryRunner.query(`DROP TABLE feed_head`);
  }
}
