import { Injectable } from '@nestjs/common';
import { UnitOfWork } from '../database/unit-of-work';

export interface MovementRow {
  id: string;
  product_id: string;
  store_id: string;
  kind: string;
  delta: number;
  reserved_delta: number;
  on_hand_after: number;
  allotment_delta: number;
  allotment_after: number;
  reserved_after: number;
  version_after: number;
  reference: string | null;
  reservation_id: string | null;
  note: string | null;
  actor: string;
  on_behalf_of: string | null;
  idempotency_key: string | null;
  request_id: string | null;
  created_at: Date;
}

@Injectable()
export class StockMovementRepository {
  constructor(private readonly unitOfWork: UnitOfWork) {}

  /** A product's ledger, newest first, keyset-paged by movement id. */
  async pageForProduct(
    productId: string,
    storeId: string | undefined,
    beforeId: string | undefined,
    limit: number,
  ): Promise<MovementRow[]> {
    return this.unitOfWork.manager.query(
      `SELECT id, product_id, store_id, kind, delta, reserved_delta, on_hand_after, reserved_after,
              version_after, allotment_delta, allotment_after, reference, reservation_id, note, actor, on_behalf_of, idempotency_key, request_id, created_at
       FROM stock_movements
       WHERE product_id = $1 AND ($2::text IS NULL OR store_id = $2) AND ($3::bigint IS NULL OR id < $3)
       ORDER BY id DESC
       LIMIT $4`,
      [productId, storeId ?? null, beforeId ?? null, limit],
    );
  }
}
