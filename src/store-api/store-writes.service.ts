import { Injectable } from '@nestjs/common';
import { createHash } from 'node:crypto';
import { assertMayWriteStore } from '../common/auth/principal';
import { StoreNode } from '../sync/store-node';
import { MovementKind } from '../contract';
import type { ForwardingContext } from '../sync/central.client';
import {
  IDEMPOTENCY_KEY_MAX_LENGTH,
  type StockUpdateRequest,
  type StockWriteResult,
} from '../contract';
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
    return this.gateway.submit(
      forwardedUpdate(update, write.principal.keyId),
      forwardingContextOf(write),
    );
  }
}

/**
 * The key central sees for one of a caller's keys. Central scopes keys by API key and only ever
 * sees this store's, so the caller's identity goes into the key: two callers of one store using
 * the same key stay two writes. Deterministic, so every retry carries the same key and central
 * applies the write at most once.
 */
function centralKeyOf(callerKeyId: string, key: string): string {
  const scoped = `${callerKeyId}/${key}`;
  return scoped.length <= IDEMPOTENCY_KEY_MAX_LENGTH
    ? scoped
    : `${callerKeyId}/sha256:${createHash('sha256').update(key).digest('hex')}`;
}

/** The caller's key (ForwardedKeyInterceptor gave every request one), and the key central sees. */
function forwardingContextOf({ principal, audit }: WriteContext): ForwardingContext {
  const idempotencyKey = audit.idempotencyKey!;
  return {
    idempotencyKey,
    centralKey: centralKeyOf(principal.keyId, idempotencyKey),
    callerKeyId: principal.keyId,
    requestId: audit.requestId,
  };
}

/**
 * The body as central gets it: the request's key travels (scoped) in the header alone, and the
 * items' own keys of a non-atomic batch are scoped the same way.
 */
function forwardedUpdate(update: StockUpdateRequest, callerKeyId: string): StockUpdateRequest {
  if (!('updates' in update)) {
    const { idempotencyKey: _inHeader, ...single } = update;
    return single;
  }
  const updates = update.updates.map(({ idempotencyKey, ...item }) =>
    idempotencyKey === undefined
      ? item
      : { ...item, idempotencyKey: centralKeyOf(callerKeyId, idempotencyKey) },
  );
  return { ...update, updates };
}
