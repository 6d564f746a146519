import type { History } from './history';
import type { Random } from './random';
import type { ChaosSystem } from './system';

export const NEMESES = [
  'partition-store',
  'reset-store-link',
  'slow-store-link',
  'partition-central-db',
  'pause-central',
  'kill-store',
  'kill-central',
] as const;
export type Nemesis = (typeof NEMESES)[number];

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * A seeded fault every few seconds until `until` resolves, each healed before the next: the
 * schedule (which fault, where, how long) comes from the seed; when it lands among the
 * operations depends on the machine.
 */
export async function runNemesis(
  system: ChaosSystem,
  history: History,
  random: Random,
  options: { nemeses: readonly Nemesis[]; everyMs: number; until: () => boolean },
): Promise<void> {
  while (!options.until()) {
    await sleep(random.int(options.everyMs / 2, options.everyMs));
    if (options.until()) return;
    await strike(system, history, random, random.pick(options.nemeses));
  }
}

async function strike(system: ChaosSystem, history: History, random: Random, nemesis: Nemesis) {
  const store = random.int(0, system.stores.length - 1);
  const central = random.int(0, system.centrals.length - 1);
  const ms = random.int(1_000, 4_000);
  switch (nemesis) {
    case 'partition-store':
      return during(
        history,
        nemesis,
        system.stores[store].name,
        ms,
        () => system.storeLinks[store].set({ kind: 'blackhole' }),
        () => system.storeLinks[store].heal(),
      );
    case 'reset-store-link':
      return during(
        history,
        nemesis,
        system.stores[store].name,
        ms,
        () => system.storeLinks[store].set({ kind: 'reset' }),
        () => system.storeLinks[store].heal(),
      );
    case 'slow-store-link':
      return during(
        history,
        nemesis,
        system.stores[store].name,
        ms,
        () => system.storeLinks[store].set({ kind: 'latency', ms: 300 }),
        () => system.storeLinks[store].heal(),
      );
    case 'partition-central-db':
      return during(
        history,
        nemesis,
        system.centrals[central].name,
        ms / 2,
        () => system.databaseLinks[central].set({ kind: 'blackhole' }),
        () => system.databaseLinks[central].heal(),
      );
    case 'pause-central':
      return during(
        history,
        nemesis,
        system.centrals[central].name,
        ms / 2,
        () => system.centrals[central].process.signal('SIGSTOP'),
        () => system.centrals[central].process.signal('SIGCONT'),
      );
    case 'kill-store':
      history.fault({ fault: nemesis, target: system.stores[store].name });
      return system.restart(system.stores[store]);
    case 'kill-central':
      history.fault({ fault: nemesis, target: system.centrals[central].name });
      return system.restart(system.centrals[central]);
  }
}

async function during(
  history: History,
  fault: Nemesis,
  target: string,
  ms: number,
  begin: () => unknown,
  end: () => unknown,
): Promise<void> {
  history.fault({ fault, target, ms });
  await begin();
  await sleep(ms);
  await end();
}
