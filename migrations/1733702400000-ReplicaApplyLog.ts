import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * replica_apply_log (store nodes, written only with REPLICA_APPLY_LOG=true): every feed page
 * and snapshot the replica committed, with the offsets it applied. It is written in the same
 * transaction as the page or snapshot, so it says exactly what was committed even when the
 * process is killed a moment later; the chaos harness's feed checker reads it to prove that a
 * store applied every offset once, in order.
 */
export class ReplicaApplyLog1733702400000 implements MigrationInterface {
  name = 'ReplicaApplyLog1733702400000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE replica_apply_log (
        id            bigserial PRIMARY KEY,
        kind          text NOT NULL CHECK (kind IN ('page', 'snapshot')),
        from_offset   bigint,
        to_offset     bigint NOT NULL,
        event_offsets bigint[] NOT NULL DEFAULT '{}',
        applied_at    timestamptz NOT NULL DEFAULT now()
      )`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE replica_apply_log`);
  }
}
