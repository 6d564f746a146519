import { loadConfig } from '../config/config.loader';
import { ReplicaState, ReplicaStateRepository } from './replica-state.repository';
import { StoreNode } from './store-node';
import { SyncProgress } from './sync-progress';

const config = loadConfig({
  MODE: 'store',
  STORE_ID: 'store-s1',
  CENTRAL_URL: 'http://127.0.0.1:1',
  CENTRAL_API_KEY: 'k',
});
const gauge = () => ({ set: jest.fn() }) as never;

async function progressAt(state: Partial<ReplicaState>): Promise<SyncProgress> {
  const states = {
    read: () =>
      Promise.resolve({
        appliedOffset: null,
        centralHead: null,
        lastAppliedAt: null,
        bootstrappedAt: null,
        ...state,
      }),
  } as unknown as ReplicaStateRepository;
  const progress = new SyncProgress(
    StoreNode.fromConfig(config),
    states,
    gauge(),
    gauge(),
    gauge(),
    gauge(),
  );
  await progress.onModuleInit();
  return progress;
}

describe('SyncProgress', () => {
  afterEach(() => jest.useRealTimers());

  it('knows nothing before the first bootstrap', async () => {
    const progress = await progressAt({});
    expect(progress.lagEvents).toBeNull();
    expect(progress.stalenessMs()).toBeNull();
  });

  it('measures lag in events against the highest head it heard of', async () => {
    const progress = await progressAt({ appliedOffset: 10, centralHead: 10 });
    progress.recordHead(15);
    progress.recordHead(12);
    expect(progress.lagEvents).toBe(5);
  });

  it('is fresh while its long poll is parked, and ages from the moment it returns', async () => {
    jest.useFakeTimers({ now: 1_000_000 });
    const progress = await progressAt({
      appliedOffset: 10,
      centralHead: 10,
      lastAppliedAt: new Date(900_000),
    });
    expect(progress.stalenessMs()).toBe(100_000);
    progress.recordHead(10);
    progress.beginPoll();
    jest.setSystemTime(1_030_000);
    expect(progress.stalenessMs()).toBe(0);
    progress.endPoll();
    jest.setSystemTime(1_032_000);
    expect(progress.stalenessMs()).toBe(2000);
  });

  it('is not fresh while it is behind, even with a poll in flight', async () => {
    jest.useFakeTimers({ now: 1_000_000 });
    const progress = await progressAt({ appliedOffset: 10, centralHead: 12 });
    progress.beginPoll();
    expect(progress.stalenessMs()).toBeNull();
  });
});
