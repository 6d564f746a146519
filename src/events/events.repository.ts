import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { EventType } from './inventory-event.entity';

/** What a change tells the feed; appended inside the change's own transaction. */
export interface NewEvent {
  type: EventType;
  productId?: string;
  storeId?: string;
  payload: Record<string, unknown>;
  idempotencyKey?: string;
  requestId?: string;
}

@Injectable()
export class EventsRepository {
  /** Appends events unsequenced; the sequencer gives them feed offsets once they are committed. */
  async append(tx: EntityManager, events: NewEvent[]): Promise<void> {
    if (events.length === 0) return;
    await tx.query(
      `INSERT INTO events (type, product_id, store_id, payload, idempotency_key, request_id)
       SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::jsonb[], $5::text[], $6::text[])`,
      [
        events.map((event) => event.type),
        events.map((event) => event.productId ?? null),
        events.map((event) => event.storeId ?? null),
        events.map((event) => JSON.stringify(event.payload)),
        events.map((event) => event.idempotencyKey ?? null),
        events.map((event) => event.requestId ?? null),
      ],
    );
  }
}
