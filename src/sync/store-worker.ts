/**
 * A store node's background job (following central's feed, beating to central, and whatever
 * comes next). The StoreWorkerRunner starts the selected workers in order at boot, stops them
 * in reverse order at shutdown, restarts one that crashes and reports their state.
 */
export interface StoreWorker {
  /** Its name in STORE_WORKER_LIST, in GET /v1/store/sync/status and in metrics. */
  readonly name: string;
  /**
   * Does the job until `signal` aborts, handling the failures it expects (central down, link
   * cut) itself. Throwing, or returning before the signal aborts, is a crash: the runner
   * restarts it after a growing pause and makes the failure visible.
   */
  run(signal: AbortSignal): Promise<void>;
}

/** Injection token: every worker a store node has, in start order. */
export const STORE_WORKER_LIST = Symbol('STORE_WORKER_LIST');

export type StoreWorkerState = 'running' | 'restarting' | 'stopped' | 'disabled';

export interface StoreWorkerStatus {
  name: string;
  state: StoreWorkerState;
  /** Times it crashed and was started again. */
  restarts: number;
  lastError: string | null;
  lastErrorAt: string | null;
}
