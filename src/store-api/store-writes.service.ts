import { Injectable } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { assertMayWriteStore } from '../common/auth/principal';
import { StoreNode } from '../sync/store-node';
import { MovementKind } from '../contract';
import type { ForwardingContext } from '../sync/central.client';
import type { StockUpdateRequest, StockWriteResult } from '../contract';
import type { WriteContext } from '../idempotency/idempotency.types';
import { StockWriteGateway } from '../sync/stock-write.gateway';

export interface Sale {
  productId: string;
  quantity: number;
}

/** The store's stock writes; central decides them (see StockWriteGateway). */
@Injectable()
export class StoreWritesService {
  constructor(
    private readonly node: StoreNode,
    private readonly gateway: StockWriteGateway,
  ) {}

  /** A sale at this store's till: a negative change of its own level. */
  recordSale(sale: Sale, write: WriteContext): Promise<StockWriteResult> {
    const storeId = this.node.storeId;
    assertMayWriteStore(write.principal, storeId);
    const change = {
      storeId,
      productId: sale.productId,
      delta: -sale.quantity,
      reason: MovementKind.Sale,
    } as const;
    return this.gateway.submit(change, forwardingContextOf(write));
  }

  /**
   * Central only sees this store's key, so the caller's own limits are checked here: a key of
   * another store may not write through this one.
   */
  submitUpdate(update: StockUpdateRequest, write: WriteContext): Promise<StockWriteResult> {
    assertMayWriteStore(write.principal, update.storeId);
    return this.gateway.submit(update, forwardingContextOf(write));
  }
}

/**
 * The caller's idempotency key, or a new one: fixed here, once per incoming request, so every
 * retry towards central carries the same key and central applies the write at most once.
 */
function forwardingContextOf({ audit }: WriteContext): ForwardingContext {
  return { idempotencyKey: audit.idempotencyKey ?? randomUUID(), requestId: audit.requestId };
}
