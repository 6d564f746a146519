import { Injectable } from '@nestjs/common';
import { DomainError } from '../common/errors/domain.error';
import { AppConfig } from '../config/app-config';
import { UnitOfWork } from '../database/unit-of-work';
import { ProductNotFoundError, StoreNotFoundError } from '../common/errors/not-found.errors';
import { type AllotmentPolicyView, type AllotmentReleaseRequest, MovementKind } from '../contract';
import { AllotmentPolicyRepository } from './allotment-policy.repository';
import { StockService } from './stock.service';

/** Levels acted on per heartbeat; the rest wait for the next one. */
const REBALANCE_MAX_LEVELS = 500;
/** The actor the ledger names for the policy's grants. */
const ALLOTMENT_POLICY_ACTOR = 'allotment-policy';

/**
 * Keeps each level's allotment near its target (docs/architecture.md, "Allotments"). Runs when
 * the store beats, so only a store that is online is granted units, the only one that could
 * use them. Grants are central's own (they take online units); a surplus is only asked back:
 * the store alone knows what its tills sold while cut off, so it releases it through its outbox.
 */
@Injectable()
export class AllotmentPolicyService {
  constructor(
    private readonly config: AppConfig,
    private readonly unitOfWork: UnitOfWork,
    private readonly policy: AllotmentPolicyRepository,
    private readonly stock: StockService,
  ) {}

  async policyOf(storeId: string): Promise<AllotmentPolicyView> {
    const { share, exists } = await this.policy.storeShare(storeId);
    if (!exists) throw new StoreNotFoundError(storeId);
    const defaultShare = this.config.allotmentShare;
    return {
      storeId,
      share: share ?? defaultShare,
      storeShare: share,
      defaultShare,
      targets: await this.policy.levelTargets(storeId),
    };
  }

  /** `null` puts the store back on ALLOTMENT_SHARE. Acted on at the store's next heartbeat. */
  async setStoreShare(storeId: string, share: number | null): Promise<AllotmentPolicyView> {
    if (!(await this.policy.setStoreShare(storeId, share))) throw new StoreNotFoundError(storeId);
    return this.policyOf(storeId);
  }

  /** `null` puts the level back on the store's share. Acted on at the store's next heartbeat. */
  async setLevelTarget(
    storeId: string,
    productId: string,
    target: number | null,
  ): Promise<AllotmentPolicyView> {
    const view = await this.policyOf(storeId);
    if (target === null) {
      await this.policy.clearLevelTarget(productId, storeId);
    } else if (!(await this.policy.setLevelTarget(productId, storeId, target))) {
      throw new ProductNotFoundError(productId);
    }
    return { ...view, targets: await this.policy.levelTargets(storeId) };
  }

  /** Grants toward the target in one transaction; answers the surpluses to release. */
  async rebalance(storeId: string, requestId: string): Promise<AllotmentReleaseRequest[]> {
    const audit = { actor: ALLOTMENT_POLICY_ACTOR, requestId };
    return this.unitOfWork.run(async (tx) => {
      if (!(await this.policy.tryLockStoreRebalance(tx, storeId))) return [];
      const drifting = await this.policy.driftingLevels(
        tx,
        storeId,
        this.config.allotmentShare,
        REBALANCE_MAX_LEVELS,
      );
      const releases: AllotmentReleaseRequest[] = [];
      // In product order (the query's), like every multi-level write: no lock cycles.
      for (const { productId, allotment, target, onlineAvailable } of drifting) {
        if (allotment > target) {
          releases.push({ productId, target });
          continue;
        }
        const units = Math.min(target - allotment, onlineAvailable);
        const grant = { storeId, productId, delta: 0, allotmentDelta: units };
        await this.stock
          .applyInTransaction(tx, { ...grant, kind: MovementKind.AllotmentGrant }, audit)
          .catch((error: unknown) => {
            // Online units sold meanwhile: the next beat tries again with what is left.
            if (!(error instanceof DomainError)) throw error;
          });
      }
      return releases;
    });
  }
}
