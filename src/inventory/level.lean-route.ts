import type { FastifyRequest } from 'fastify';
import { LeanRoute, LeanRouteProvider } from '../common/http/lean-routes';
import { PRODUCT_ID_PATTERN, STORE_ID_PATTERN } from '../contract';
import { InventoryController } from './inventory.controller';
import { InventoryQueryService } from './inventory-query.service';

type LevelRequest = FastifyRequest<{ Params: { productId: string; storeId: string } }>;

/**
 * GET /v1/inventory/:productId/stores/:storeId, central's hottest read, on the short path: the
 * same checks as ProductIdParam and StoreIdParam, then InventoryController.level's service call.
 */
@LeanRouteProvider()
export class LevelLeanRoute implements LeanRoute {
  readonly url = '/v1/inventory/:productId/stores/:storeId';
  readonly controller = InventoryController;
  readonly handler = 'level';

  constructor(private readonly queries: InventoryQueryService) {}

  accepts({ params }: LevelRequest): boolean {
    return PRODUCT_ID_PATTERN.test(params.productId) && STORE_ID_PATTERN.test(params.storeId);
  }

  answer({ params }: LevelRequest) {
    return this.queries.level(params.productId, params.storeId);
  }
}
