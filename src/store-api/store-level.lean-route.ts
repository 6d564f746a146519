import type { FastifyReply, FastifyRequest } from 'fastify';
import { LeanRoute, LeanRouteProvider } from '../common/http/lean-routes';
import { PRODUCT_ID_PATTERN, STORE_ID_PATTERN } from '../contract';
import { SyncProgress } from '../sync/sync-progress';
import { writeReplicaHeaders } from './replica-headers.interceptor';
import { StoreInventoryController } from './store-inventory.controller';
import { StoreInventoryService } from './store-inventory.service';

type LevelRequest = FastifyRequest<{
  Params: { productId: string };
  Querystring: Record<string, unknown>;
}>;

/**
 * GET /v1/store/inventory/:productId, the store's hottest read, on the short path: the same
 * checks as ProductIdParam and StoreScopeQueryDto, then the same service call and replica
 * headers as StoreInventoryController.level with its interceptor.
 */
@LeanRouteProvider()
export class StoreLevelLeanRoute implements LeanRoute {
  readonly url = '/v1/store/inventory/:productId';
  readonly controller = StoreInventoryController;
  readonly handler = 'level';

  constructor(
    private readonly inventory: StoreInventoryService,
    private readonly progress: SyncProgress,
  ) {}

  accepts(request: LevelRequest): boolean {
    if (!PRODUCT_ID_PATTERN.test(request.params.productId)) return false;
    const names = Object.keys(request.query);
    if (names.length === 0) return true;
    const storeId = request.query.storeId;
    return names.length === 1 && typeof storeId === 'string' && STORE_ID_PATTERN.test(storeId);
  }

  answer(request: LevelRequest, reply: FastifyReply) {
    // Read before the level, as the interceptor does: the answer is at least this fresh.
    writeReplicaHeaders(reply, this.progress);
    return this.inventory.level(request.params.productId, request.query.storeId as string);
  }
}
