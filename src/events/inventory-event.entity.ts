import { Column, Entity, PrimaryGeneratedColumn } from 'typeorm';

export enum EventType {
  StockLevelChanged = 'stock.level_changed',
  ProductCreated = 'product.created',
  ProductUpdated = 'product.updated',
  ProductDeleted = 'product.deleted',
  StoreRegistered = 'store.registered',
}

/** A committed change, appended in the change's own transaction; `seq` is its feed offset. */
@Entity('events')
export class InventoryEvent {
  @PrimaryGeneratedColumn({ type: 'bigint' })
  id: string;

  /** Stamped after commit by the sequencer, in commit order; null until then. */
  @Column({ type: 'bigint', nullable: true, unique: true })
  seq: string | null;

  @Column({ type: 'text' })
  type: EventType;

  @Column({ name: 'product_id', type: 'text', nullable: true })
  productId: string | null;

  @Column({ name: 'store_id', type: 'text', nullable: true })
  storeId: string | null;

  @Column({ type: 'jsonb' })
  payload: Record<string, unknown>;

  @Column({ name: 'idempotency_key', type: 'text', nullable: true })
  idempotencyKey: string | null;

  @Column({ name: 'request_id', type: 'text', nullable: true })
  requestId: string | null;

  @Column({ name: 'created_at', type: 'timestamptz' })
  createdAt: Date;

  @Column({ name: 'sequenced_at', type: 'timestamptz', nullable: true })
  sequencedAt: Date | null;
}
