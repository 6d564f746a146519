import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * outbox_entries (a store node's table): its tills' allotment uses, made locally and pushed to
 * central in entry_id order. An entry is pending until central answers it: applied (with the
 * level version that answer made, see "Allotments" in docs/architecture.md) or rejected.
 * One entry per caller and key: a retried sale finds its entry instead of making another.
 */
export class StoreOutbox1733270400000 implements MigrationInterface {
  name = 'StoreOutbox1733270400000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE outbox_entries (
        entry_id        bigserial PRIMARY KEY,
        store_id        text NOT NULL,
        product_id      text NOT NULL,
        kind            text NOT NULL CHECK (kind IN ('sale', 'damage', 'receive', 'return', 'allotment_release')),
        delta           integer NOT NULL,
        allotment_delta integer NOT NULL,
        caller_key_id   text NOT NULL,
        idempotency_key text NOT NULL,
        central_key     text NOT NULL UNIQUE,
        allotment_remaining_after integer NOT NULL CHECK (allotment_remaining_after >= 0),
        state           text NOT NULL DEFAULT 'pending' CHECK (state IN ('pending', 'applied', 'rejected')),
        central_version integer,
        error           jsonb,
        attempts        integer NOT NULL DEFAULT 0,
        created_at      timestamptz NOT NULL DEFAULT now(),
        settled_at      timestamptz,
        UNIQUE (caller_key_id, idempotency_key),
        CHECK ((state = 'applied') = (central_version IS NOT NULL))
      )`);
    await queryRunner.query(
      `CREATE INDEX outbox_entries_pending ON outbox_entries (product_id) WHERE state = 'pending'`,
    );
    await queryRunner.query(
      `CREATE INDEX outbox_entries_applied ON outbox_entries (product_id, central_version) WHERE state = 'applied'`,
    );
    await queryRunner.query(
      `CREATE INDEX outbox_entries_state ON outbox_entries (state, entry_id)`,
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE outbox_entries`);
  }
}
