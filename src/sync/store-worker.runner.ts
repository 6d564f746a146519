import {
  BeforeApplicationShutdown,
  Inject,
  Injectable,
  Logger,
  OnApplicationBootstrap,
  OnModuleInit,
} from '@nestjs/common';
import { InjectMetric } from '@willsoto/nestjs-prometheus';
import { Counter, Gauge } from 'prom-client';
import { AppConfig } from '../config/app-config';
import { ConfigError } from '../config/config.loader';
import { Backoff, pause } from './backoff';
import { StoreNode } from './store-node';
import { STORE_WORKER_LIST, StoreWorker, StoreWorkerStatus } from './store-worker';
import { STORE_WORKER_RESTARTS, STORE_WORKER_UP } from './sync.metrics';

/** The longest pause before a crashed worker is started again. */
const MAX_RESTART_DELAY_MS = 30_000;
/** A worker that ran this long before crashing starts again from the shortest pause. */
const HEALTHY_RUN_MS = 60_000;
/** How long shutdown waits for one worker to stop before it moves on without it. */
const STOP_TIMEOUT_MS = 5_000;

interface Supervised {
  worker: StoreWorker;
  status: StoreWorkerStatus;
  /** Stops this worker alone, so shutdown can stop them one after the other. */
  stop: AbortController;
  done?: Promise<void>;
}

/**
 * Runs the store node's background workers: the ones STORE_WORKERS selects (all by default),
 * started in order at boot and stopped in reverse order at shutdown. A worker that crashes is
 * logged, counted and restarted with a growing, jittered pause; never silently gone.
 */
@Injectable()
export class StoreWorkerRunner
  implements OnModuleInit, OnApplicationBootstrap, BeforeApplicationShutdown
{
  private readonly logger = new Logger(StoreWorkerRunner.name);
  private readonly supervised: Supervised[];

  constructor(
    @Inject(STORE_WORKER_LIST) workers: StoreWorker[],
    private readonly config: AppConfig,
    private readonly node: StoreNode,
    @InjectMetric(STORE_WORKER_RESTARTS) private readonly restarts: Counter<'store_id' | 'worker'>,
    @InjectMetric(STORE_WORKER_UP) private readonly up: Gauge<'store_id' | 'worker'>,
  ) {
    this.supervised = workers.map((worker) => ({
      worker,
      stop: new AbortController(),
      status: {
        name: worker.name,
        state: 'stopped',
        restarts: 0,
        lastError: null,
        lastErrorAt: null,
      },
    }));
  }

  /** Refuses to boot with a worker name nobody knows: a typo must not silently disable a job. */
  onModuleInit(): void {
    const known = this.supervised.map(({ worker }) => worker.name);
    const unknown = (this.config.storeWorkers ?? []).filter((name) => !known.includes(name));
    if (unknown.length > 0) {
      throw new ConfigError([
        `STORE_WORKERS: unknown worker(s) ${unknown.join(', ')}; the workers are ${known.join(', ')}`,
      ]);
    }
    for (const entry of this.supervised) {
      if (!this.isSelected(entry.worker)) entry.status.state = 'disabled';
      this.setUp(entry);
      // Every worker's series from the start, so "no restarts" reads 0 rather than no data.
      this.restarts.inc(this.labelsOf(entry), 0);
    }
  }

  onApplicationBootstrap(): void {
    for (const entry of this.supervised) {
      if (entry.status.state !== 'disabled') entry.done = this.supervise(entry);
    }
  }

  /** Later workers may depend on earlier ones (the sync worker loads the replica first). */
  async beforeApplicationShutdown(): Promise<void> {
    for (const entry of [...this.supervised].reverse()) {
      entry.stop.abort();
      await this.stopped(entry);
    }
  }

  /** A worker that ignores its signal must not hold the node's shutdown forever. */
  private async stopped(entry: Supervised): Promise<void> {
    let timer: NodeJS.Timeout | undefined;
    const late = new Promise<'late'>((resolve) => {
      timer = setTimeout(() => resolve('late'), STOP_TIMEOUT_MS);
    });
    const outcome = await Promise.race([entry.done, late]);
    clearTimeout(timer);
    if (outcome === 'late') {
      this.logger.error(
        `Store worker ${entry.worker.name} did not stop within ${STOP_TIMEOUT_MS} ms`,
      );
    }
  }

  statuses(): StoreWorkerStatus[] {
    return this.supervised.map(({ status }) => ({ ...status }));
  }

  private isSelected(worker: StoreWorker): boolean {
    return this.config.storeWorkers === undefined || this.config.storeWorkers.includes(worker.name);
  }

  private async supervise(entry: Supervised): Promise<void> {
    const signal = entry.stop.signal;
    const backoff = Backoff.exponential(MAX_RESTART_DELAY_MS);
    while (!signal.aborted) {
      const startedAt = Date.now();
      this.setState(entry, 'running');
      try {
        await entry.worker.run(signal);
        if (signal.aborted) break;
        throw new Error('it returned while the node was still running');
      } catch (error) {
        if (signal.aborted) break;
        if (Date.now() - startedAt >= HEALTHY_RUN_MS) backoff.reset();
        await this.restartLater(entry, error, backoff.nextDelayMs(), signal);
      }
    }
    this.setState(entry, 'stopped');
  }

  private async restartLater(
    entry: Supervised,
    error: unknown,
    delayMs: number,
    signal: AbortSignal,
  ): Promise<void> {
    const message = error instanceof Error ? error.message : String(error);
    entry.status.restarts++;
    entry.status.lastError = message;
    entry.status.lastErrorAt = new Date().toISOString();
    this.restarts.inc(this.labelsOf(entry));
    this.setState(entry, 'restarting');
    this.logger.error(
      { err: error },
      `Store worker ${entry.worker.name} crashed (${message}); restarting it in ${delayMs} ms`,
    );
    await pause(delayMs, signal);
  }

  private setState(entry: Supervised, state: StoreWorkerStatus['state']): void {
    entry.status.state = state;
    this.setUp(entry);
  }

  private setUp(entry: Supervised): void {
    this.up.set(this.labelsOf(entry), entry.status.state === 'running' ? 1 : 0);
  }

  private labelsOf(entry: Supervised) {
    return { store_id: this.node.storeId, worker: entry.worker.name };
  }
}
