import type { Store } from './catalog';

/** A store as central's admin API lists it. */
export interface StoreView extends Store {
  lastHeartbeatAt: string | null;
  /** The feed offset the store last reported having applied. */
  replicaOffset: number | null;
}

export interface StoreStatus extends StoreView {
  /** offline when no heartbeat arrived for STORE_OFFLINE_AFTER_MS. */
  status: 'online' | 'offline';
  lagEvents: number | null;
  lagSeconds: number | null;
  /** Units held in the store's allotments over all its levels. */
  allotmentUnits: number;
  /** The store's outbox as its last heartbeat reported it; null before the first report. */
  outbox: OutboxReport | null;
}

/** What a store's outbox holds that central has not answered yet. */
export interface OutboxReport {
  pending: number;
  oldestPendingAt: string | null;
  rejected: number;
}

/** The body of POST /v1/stores/{storeId}/heartbeat. */
export interface HeartbeatRequest {
  replicaOffset: number;
  outbox?: OutboxReport;
}

/** A level whose allotment is well above its target: the store should give back the surplus. */
export interface AllotmentReleaseRequest {
  productId: string;
  /** Release down to this many units the store still holds unsold. */
  target: number;
}

/**
 * Central's answer to a heartbeat: the store's status, central's feed head right then, and the
 * allotment surplus the policy asks it to release.
 */
export interface HeartbeatAck extends StoreStatus {
  headOffset: number;
  allotmentReleases: AllotmentReleaseRequest[];
}

/** A store's allotment policy as GET /v1/admin/stores/{storeId}/allotment-policy shows it. */
export interface AllotmentPolicyView {
  storeId: string;
  /** The share in force: the store's own, else ALLOTMENT_SHARE. */
  share: number;
  /** The store's own share; null when it follows ALLOTMENT_SHARE. */
  storeShare: number | null;
  defaultShare: number;
  /** Levels with a target of their own, overriding the share. */
  targets: { productId: string; target: number }[];
}
