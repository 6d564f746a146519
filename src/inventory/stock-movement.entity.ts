import { Column, CreateDateColumn, Entity, PrimaryGeneratedColumn } from 'typeorm';

export enum MovementKind {
  Receive = 'receive',
  Sale = 'sale',
  Return = 'return',
  Damage = 'damage',
  Adjust = 'adjust',
  Count = 'count',
  Reserve = 'reserve',
  Release = 'release',
}

/** The append-only ledger: on_hand always equals the sum of a level's deltas. */
@Entity('stock_movements')
export class StockMovement {
  @PrimaryGeneratedColumn({ type: 'bigint' })
  id: string;

  @Column({ name: 'product_id', type: 'text' })
  productId: string;

  @Column({ name: 'store_id', type: 'text' })
  storeId: string;

  @Column({ type: 'text' })
  kind: MovementKind;

  @Column({ type: 'integer' })
  delta: number;

  @Column({ name: 'reserved_delta', type: 'integer' })
  reservedDelta: number;

  @Column({ name: 'on_hand_after', type: 'integer' })
  onHandAfter: number;

  @Column({ name: 'reserved_after', type: 'integer' })
  reservedAfter: number;

  @Column({ name: 'version_after', type: 'integer' })
  versionAfter: number;

  @Column({ type: 'text', nullable: true })
  reference: string | null;

  @Column({ type: 'text', nullable: true })
  note: string | null;

  @Column({ type: 'text' })
  actor: string;

  @Column({ name: 'idempotency_key', type: 'text', nullable: true })
  idempotencyKey: string | null;

  @Column({ name: 'request_id', type: 'text', nullable: true })
  requestId: string | null;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt: Date;
}
