import type { LinkFault } from './fault-proxy';
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
  'restart-postgres',
  'switch-store-off',
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

/** What each link nemesis does to a store's link to central. */
const STORE_LINK_FAULTS: Partial<Record<Nemesis, LinkFault>> = {
  'partition-store': { kind: 'blackhole' },
  'reset-store-link': { kind: 'reset' },
  'slow-store-link': { kind: 'latency', ms: 300 },
};

async function strike(system: ChaosSystem, history: History, random: Random, nemesis: Nemesis) {
  const store = random.int(0, system.stores.length - 1);
  const central = random.int(0, system.centrals.length - 1);
  const ms = random.int(1_000, 4_000);
  const storeLinkFault = STORE_LINK_FAULTS[nemesis];
  if (storeLinkFault) {
    const link = system.storeLinks[store];
    const target = system.stores[store].name;
    return during(
      history,
      nemesis,
      target,
      ms,
      () => link.set(storeLinkFault),
      () => link.heal(),
    );
  }
  const centralNode = system.centrals[central];
  switch (nemesis) {
    case 'partition-central-db': {
      const link = system.databaseLinks[central];
      const cut = () => link.set({ kind: 'blackhole' });
      return during(history, nemesis, centralNode.name, ms / 2, cut, () => link.heal());
    }
    case 'pause-central': {
      const pause = () => centralNode.process.signal('SIGSTOP');
      const resume = () => centralNode.process.signal('SIGCONT');
      return during(history, nemesis, centralNode.name, ms / 2, pause, resume);
    }
    case 'kill-store':
      history.fault({ fault: nemesis, target: system.stores[store].name });
      return system.restart(system.stores[store]);
    case 'kill-central':
      history.fault({ fault: nemesis, target: centralNode.name });
      return system.restart(centralNode);
    case 'restart-postgres':
      history.fault({ fault: nemesis, target: 'postgres' });
      return system.postgres.restart();
    case 'switch-store-off': {
      const node = system.stores[store];
      const off = () => system.switchLink(node, false);
      return during(history, nemesis, node.name, ms, off, () => system.switchLink(node, true));
    }
    case 'partition-store':
    case 'reset-store-link':
    case 'slow-store-link':
      return; // a store-link fault, struck above
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
