import { HttpStatus, Injectable } from '@nestjs/common';
import { InjectMetric } from '@willsoto/nestjs-prometheus';
import { createHash } from 'node:crypto';
import type { Counter } from 'prom-client';
import { assertMayWriteStore } from '../common/auth/principal';
import { DomainError, ErrorKind } from '../common/errors/domain.error';
import {
  IDEMPOTENCY_KEY_MAX_LENGTH,
  MovementKind,
  type PendingSale,
  type PendingStockChange,
  type ReservationWriteResult,
  type SingleStockUpdate,
  type StockUpdateRequest,
  type StockWriteResult,
} from '../contract';
import { IdempotencyService } from '../idempotency/idempotency.service';
import type { WriteContext } from '../idempotency/idempotency.types';
import type { ForwardingContext } from '../sync/central.client';
import { AllotmentUse, OutboxService } from '../sync/outbox.service';
import { StockWriteGateway } from '../sync/stock-write.gateway';
import { StoreNode } from '../sync/store-node';
import { CentralUnavailableError, OutcomeUnknownError } from '../sync/sync.errors';
import { type SaleOutcome, STORE_SALES } from './store-api.metrics';
import { AllotmentExhaustedError } from './store-writes.errors';

export interface Sale {
  productId: string;
  quantity: number;
}

/** Central decided it and the replica shows it. */
export type AppliedWrite = StockWriteResult & { status: 'applied' };

/**
 * The store's stock writes. A change of the store's own level that its allotment covers is
 * made here and pushed to central later (pending); everything else is decided by central
 * (applied, or central's refusal). While central cannot be reached, what the allotment does not
 * cover is refused, and receives go into the allotment: the units are physically here.
 */
@Injectable()
export class StoreWritesService {
  constructor(
    private readonly node: StoreNode,
    private readonly gateway: StockWriteGateway,
    private readonly outbox: OutboxService,
    private readonly idempotency: IdempotencyService,
    @InjectMetric(STORE_SALES) private readonly sales: Counter,
  ) {}

  /** A sale at this store's till: from the allotment when it covers it, else by central. */
  async recordSale(sale: Sale, write: WriteContext): Promise<PendingSale | AppliedWrite> {
    const storeId = this.node.storeId;
    assertMayWriteStore(write.principal, storeId);
    const { productId, quantity } = sale;
    const use = { productId, kind: MovementKind.Sale, delta: -quantity } as const;
    const update = { storeId, productId, delta: -quantity, reason: MovementKind.Sale } as const;
    try {
      const result = (await this.write(use, update, write)) as PendingSale | AppliedWrite;
      this.countSale(result.status);
      return result;
    } catch (error) {
      this.countSale(saleOutcomeOf(error));
      throw error;
    }
  }

  private countSale(outcome: SaleOutcome): void {
    this.sales.inc({ store_id: this.node.storeId, outcome });
  }

  /**
   * Central only sees this store's key, so the caller's own limits are checked here: a key of
   * another store may not write through this one.
   */
  async submitUpdate(
    update: StockUpdateRequest,
    write: WriteContext,
  ): Promise<PendingStockChange | AppliedWrite> {
    assertMayWriteStore(write.principal, update.storeId);
    const use = this.allotmentUseOf(update);
    if (use) return this.write(use, update, write);
    return this.forward(update, write);
  }

  /**
   * A pickup at this store's counter: only central holds reservations, so the commit is
   * forwarded like any write central decides (same key on every attempt, outcome_unknown when
   * an attempt may have landed); its levels show in the replica at once.
   */
  async commitReservation(
    reservationId: string,
    write: WriteContext,
  ): Promise<ReservationWriteResult> {
    assertMayWriteStore(write.principal, this.node.storeId);
    if (write.claim) await this.idempotency.claimNow(write.claim);
    return this.gateway.commitReservation(reservationId, forwardingContextOf(write));
  }

  /**
   * Takes from the allotment first; adds to it (receive, return) only when central cannot take
   * the units itself: connected, a receive is central's, into the online pool.
   */
  private async write(
    use: AllotmentUse,
    update: StockUpdateRequest,
    write: WriteContext,
  ): Promise<PendingStockChange | AppliedWrite> {
    const context = forwardingContextOf(write);
    // Made here, the answer is 202 Accepted, and its idempotency record is completed with it.
    if (write.claim) write.claim.successStatus = HttpStatus.ACCEPTED;
    if (use.delta < 0) {
      const local = await this.outbox.use(use, context, write.claim);
      if ('pending' in local) return local.pending;
      return this.forward(update, write).catch((error: unknown) => {
        throw notCoveredWhenUnreachable(error, use, this.node.storeId, local.notCovered.remaining);
      });
    }
    return this.forward(update, write).catch(async (error: unknown) => {
      if (!(error instanceof CentralUnavailableError)) throw error;
      const local = await this.outbox.use(use, context, write.claim);
      if ('pending' in local) return local.pending;
      throw error; // the product is not in the replica: only central can take it
    });
  }

  /**
   * The request's key is claimed before the write leaves (if a local attempt has not claimed
   * it already) and completed with the answer as it is sent.
   */
  private async forward(update: StockUpdateRequest, write: WriteContext): Promise<AppliedWrite> {
    if (write.claim) await this.idempotency.claimNow(write.claim);
    const result = await this.gateway.submit(
      forwardedUpdate(update, write.principal.keyId),
      forwardingContextOf(write),
    );
    return { ...result, status: 'applied' };
  }

  /** A single change of this store's own level, of a kind an allotment serves, unconditional. */
  private allotmentUseOf(update: StockUpdateRequest): AllotmentUse | undefined {
    if ('updates' in update || update.storeId !== this.node.storeId) return undefined;
    if (update.expectedVersion !== undefined) return undefined;
    const kind = update.reason;
    const usable =
      ((kind === MovementKind.Sale || kind === MovementKind.Damage) && update.delta < 0) ||
      ((kind === MovementKind.Receive || kind === MovementKind.Return) && update.delta > 0);
    return usable ? { productId: update.productId, kind, delta: update.delta } : undefined;
  }
}

/** A failed sale: unknown (it may have landed), refused (a definite no), or an error of ours. */
function saleOutcomeOf(error: unknown): SaleOutcome {
  if (error instanceof OutcomeUnknownError) return 'unknown';
  return error instanceof DomainError && error.kind !== ErrorKind.Internal ? 'refused' : 'error';
}

/** Central said nothing was applied and could not be asked: the allotment was the only way. */
function notCoveredWhenUnreachable(
  error: unknown,
  use: AllotmentUse,
  storeId: string,
  remaining: number,
): unknown {
  if (!(error instanceof CentralUnavailableError)) return error;
  return new AllotmentExhaustedError(use.productId, storeId, remaining, -use.delta, error);
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
    return single satisfies SingleStockUpdate;
  }
  const updates = update.updates.map(({ idempotencyKey, ...item }) =>
    idempotencyKey === undefined
      ? item
      : { ...item, idempotencyKey: centralKeyOf(callerKeyId, idempotencyKey) },
  );
  return { ...update, updates };
}
