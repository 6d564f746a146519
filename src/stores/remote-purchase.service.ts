import { Injectable } from '@nestjs/common';
import { MovementKind, type StockUpdateResult } from '../contract';
import type { WriteContext } from '../idempotency/idempotency.types';
import { StockService } from '../inventory/stock.service';
import { StoreLivenessService } from './store-liveness.service';

/** An online order sold at central from a store's online units (never its allotment). */
@Injectable()
export class RemotePurchaseService {
  constructor(
    private readonly liveness: StoreLivenessService,
    private readonly stock: StockService,
  ) {}

  /**
   * Refused for an offline store unless REMOTE_PURCHASES_WHILE_OFFLINE=allow, checked inside
   * the sale's transaction after the key's claim: a retry of a sale whose first answer was lost
   * replays that answer, even when the store went offline in between.
   */
  purchase(
    storeId: string,
    order: { productId: string; quantity: number; reference?: string },
    write: WriteContext,
  ): Promise<StockUpdateResult> {
    const sale = {
      storeId,
      productId: order.productId,
      delta: -order.quantity,
      kind: MovementKind.Sale,
      reference: order.reference,
    };
    return this.stock.adjust(sale, write, (tx) => this.liveness.assertMayBuyRemotely(tx, storeId));
  }
}
