import { ReplicaViewChanges } from '../sync/replica-view-changes';
import { StoreNode } from '../sync/store-node';
import type { StoreInventoryRepository } from './store-inventory.repository';
import { StoreLevelsReadModel } from './store-levels.read-model';

/** A repository whose database is gone: every read fails, as after the node closed its pool. */
function unreachable(): { repository: StoreInventoryRepository; reads: () => number } {
  let reads = 0;
  const repository = {
    levelsOfProducts: () => {
      reads++;
      return Promise.reject(new Error('Connection terminated'));
    },
  } as unknown as StoreInventoryRepository;
  return { repository, reads: () => reads };
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('StoreLevelsReadModel', () => {
  beforeEach(() => jest.spyOn(console, 'warn').mockImplementation(() => undefined));
  afterEach(() => jest.restoreAllMocks());

  it('stops retrying a failed reload once the node shuts down, and answers who waited', async () => {
    const { repository, reads } = unreachable();
    const model = new StoreLevelsReadModel(
      new StoreNode('store-s1', 'http://central', 'key'),
      repository,
      new ReplicaViewChanges(),
    );
    const reloaded = model.reload({ productIds: ['SKU-1'] });
    await reloaded;
    // The failure asks for everything again, after a pause: the model keeps trying while up.
    await sleep(700);
    expect(reads()).toBeGreaterThanOrEqual(2);

    const waiting = model.reload('everything');
    model.onApplicationShutdown();
    await waiting;
    const afterShutdown = reads();
    await sleep(1200);
    expect(reads()).toBe(afterShutdown);
  });
});
