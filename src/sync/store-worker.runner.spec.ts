import { loadConfig } from '../config/config.loader';
import { StoreNode } from './store-node';
import type { StoreWorker } from './store-worker';
import { StoreWorkerRunner } from './store-worker.runner';

function runnerOf(workers: StoreWorker[], env: Record<string, string> = {}) {
  const config = loadConfig({
    MODE: 'store',
    STORE_ID: 'store-s1',
    CENTRAL_URL: 'http://127.0.0.1:1',
    CENTRAL_API_KEY: 'k',
    ...env,
  });
  const restarts = { inc: jest.fn() };
  const up = { set: jest.fn() };
  const runner = new StoreWorkerRunner(
    workers,
    config,
    StoreNode.fromConfig(config),
    restarts as never,
    up as never,
  );
  return { runner, restarts, up };
}

/** A worker that runs until stopped, recording when it started and stopped. */
function steadyWorker(name: string, log: string[]): StoreWorker {
  return {
    name,
    run: (signal) =>
      new Promise((resolve) => {
        log.push(`start ${name}`);
        signal.addEventListener('abort', () => {
          log.push(`stop ${name}`);
          resolve();
        });
      }),
  };
}

async function until(condition: () => boolean): Promise<void> {
  for (let attempt = 0; attempt < 500 && !condition(); attempt++) {
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  expect(condition()).toBe(true);
}

describe('StoreWorkerRunner', () => {
  it('starts the workers in order and stops them in reverse order', async () => {
    const log: string[] = [];
    const { runner } = runnerOf([steadyWorker('sync', log), steadyWorker('heartbeat', log)]);
    runner.onModuleInit();
    runner.onApplicationBootstrap();
    expect(runner.statuses().map((status) => status.state)).toEqual(['running', 'running']);
    await runner.beforeApplicationShutdown();
    expect(log).toEqual(['start sync', 'start heartbeat', 'stop heartbeat', 'stop sync']);
    expect(runner.statuses().map((status) => status.state)).toEqual(['stopped', 'stopped']);
  });

  it('runs only the workers STORE_WORKERS names, and shows the others as disabled', async () => {
    const log: string[] = [];
    const { runner, up } = runnerOf([steadyWorker('sync', log), steadyWorker('heartbeat', log)], {
      STORE_WORKERS: 'heartbeat',
    });
    runner.onModuleInit();
    runner.onApplicationBootstrap();
    expect(runner.statuses()).toEqual([
      { name: 'sync', state: 'disabled', restarts: 0, lastError: null, lastErrorAt: null },
      { name: 'heartbeat', state: 'running', restarts: 0, lastError: null, lastErrorAt: null },
    ]);
    expect(up.set).toHaveBeenCalledWith({ store_id: 'store-s1', worker: 'sync' }, 0);
    await runner.beforeApplicationShutdown();
    expect(log).toEqual(['start heartbeat', 'stop heartbeat']);
  });

  it('refuses to boot with an unknown worker name, naming it and the known ones', () => {
    const { runner } = runnerOf([steadyWorker('sync', [])], { STORE_WORKERS: 'sync,outbx' });
    expect(() => runner.onModuleInit()).toThrow(
      /STORE_WORKERS: unknown worker\(s\) outbx; the workers are sync/,
    );
  });

  it('restarts a worker that throws, counts it and shows the failure', async () => {
    const log: string[] = [];
    const steady = steadyWorker('sync', log);
    let attempts = 0;
    const flaky: StoreWorker = {
      name: 'sync',
      run: (signal) => (++attempts === 1 ? Promise.reject(new Error('boom')) : steady.run(signal)),
    };
    const { runner, restarts } = runnerOf([flaky]);
    runner.onModuleInit();
    runner.onApplicationBootstrap();
    await until(() => log.includes('start sync'));
    expect(attempts).toBe(2);
    expect(runner.statuses()[0]).toMatchObject({
      state: 'running',
      restarts: 1,
      lastError: 'boom',
      lastErrorAt: expect.any(String),
    });
    expect(restarts.inc).toHaveBeenCalledWith({ store_id: 'store-s1', worker: 'sync' });
    await runner.beforeApplicationShutdown();
  });

  it('treats a worker that returns while the node runs as crashed', async () => {
    let attempts = 0;
    const quitter: StoreWorker = {
      name: 'heartbeat',
      run: (signal) =>
        ++attempts === 1
          ? Promise.resolve()
          : new Promise((resolve) => signal.addEventListener('abort', () => resolve())),
    };
    const { runner } = runnerOf([quitter]);
    runner.onModuleInit();
    runner.onApplicationBootstrap();
    await until(() => attempts === 2);
    expect(runner.statuses()[0]).toMatchObject({
      restarts: 1,
      lastError: 'it returned while the node was still running',
    });
    await runner.beforeApplicationShutdown();
  });
});
