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
}

/** The body of POST /v1/stores/{storeId}/heartbeat. */
export interface HeartbeatRequest {
  replicaOffset: number;
}

/** Central's answer to a heartbeat: the store's status, and central's feed head right then. */
export interface HeartbeatAck extends StoreStatus {
  headOffset: number;
}
