import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Holds of stock for a cart or a pickup (see docs/architecture.md, "Reservations"). A hold's
 * units are in stock_levels.reserved from its reserve movement until the movement that ends it
 * (a sale when committed, a release when released or expired); `status` says which, and
 * `ended_at` is set exactly when it is no longer active. stock_movements.reservation_id ties
 * those movements to their hold.
 */
export class Reservations1733529600000 implements MigrationInterface {
  name = 'Reservations1733529600000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE reservations (
        id         uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        seq        bigint GENERATED ALWAYS AS IDENTITY UNIQUE,
        store_id   text NOT NULL REFERENCES stores (id),
        status     text NOT NULL DEFAULT 'active'
                     CHECK (status IN ('active', 'committed', 'released', 'expired')),
        reference  text CHECK (length(reference) <= 200),
        actor      text NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        expires_at timestamptz NOT NULL,
        ended_at   timestamptz,
        CONSTRAINT reservations_ended_when_not_active CHECK ((status = 'active') = (ended_at IS NULL))
      )`);
    // The sweeper's queue: only active holds, by due time.
    await queryRunner.query(
      `CREATE INDEX reservations_due ON reservations (expires_at) WHERE status = 'active'`,
    );
    await queryRunner.query(`CREATE INDEX reservations_by_store ON reservations (store_id, seq)`);
    // Listing by status (newest first): the history of ended holds grows without bound.
    await queryRunner.query(
      `CREATE INDEX reservations_by_status ON reservations (status, store_id, seq)`,
    );
    await queryRunner.query(
      `CREATE INDEX reservations_by_reference ON reservations (reference, seq) WHERE reference IS NOT NULL`,
    );
    await queryRunner.query(`
      CREATE TABLE reservation_items (
        reservation_id uuid NOT NULL REFERENCES reservations (id),
        product_id     text NOT NULL REFERENCES products (id),
        quantity       integer NOT NULL CHECK (quantity BETWEEN 1 AND 1000000000),
        PRIMARY KEY (reservation_id, product_id)
      )`);
    await queryRunner.query(`ALTER TABLE stock_movements ADD COLUMN reservation_id uuid`);
    await queryRunner.query(
      `CREATE INDEX stock_movements_by_reservation ON stock_movements (reservation_id)
       WHERE reservation_id IS NOT NULL`,
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP INDEX stock_movements_by_reservation`);
    await queryRunner.query(`ALTER TABLE stock_movements DROP COLUMN reservation_id`);
    await queryRunner.query(`DROP TABLE reservation_items`);
    await queryRunner.query(`DROP TABLE reservations`);
  }
}
