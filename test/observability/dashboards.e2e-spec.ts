/**
 * No panel and no alert on a metric that does not exist: central and a store run as the
 * processes they are in production (each its own metrics), serve a little traffic, and every
 * expression of grafana/dashboards and prometheus/alerts.yml is checked against what they
 * export: each metric it reads, and each label it matches on.
 */
import {
  alertQueries,
  dashboardFiles,
  dashboardQueries,
  type Query,
  selectorsOf,
} from '../../scripts/observability/queries';
import { startAppProcess, type AppProcess } from '../support/app-process';
import { createTestDatabase } from '../setup/test-database';
import { eventually, S1 } from '../support/e2e';
import { KEYS, storeNodeEnv } from '../support/test-app';

/** Series Prometheus makes itself, and the labels it puts on every series it scrapes. */
const PROMETHEUS_SERIES = new Set(['up', 'ALERTS', 'scrape_duration_seconds']);
const TARGET_LABELS = new Set(['job', 'instance', '__name__']);

/** What an exposition declares: every metric name (histogram series included) and its labels. */
interface Exported {
  names: Set<string>;
  labels: Map<string, Set<string>>;
}

function readExposition(text: string, into: Exported): void {
  for (const line of text.split('\n')) {
    const declared = /^# TYPE (\S+) (\w+)/.exec(line);
    if (declared) {
      const [, name, type] = declared;
      into.names.add(name);
      if (type === 'histogram' || type === 'summary')
        for (const suffix of ['_bucket', '_count', '_sum']) into.names.add(`${name}${suffix}`);
      continue;
    }
    const sample = /^([a-zA-Z_:][\w:]*)\{([^}]*)\}/.exec(line);
    if (!sample) continue;
    const labels = into.labels.get(sample[1]) ?? new Set<string>();
    for (const [, label] of sample[2].matchAll(/(\w+)="/g)) labels.add(label);
    into.labels.set(sample[1], labels);
  }
}

/** What is wrong with one expression, in words that point at the panel or rule. */
function problemsOf(query: Query, exported: Exported): string[] {
  return selectorsOf(query.expr).flatMap(({ metric, labels }) => {
    if (PROMETHEUS_SERIES.has(metric)) return [];
    if (!exported.names.has(metric)) return [`${query.source}: no metric ${metric}`];
    const known = exported.labels.get(metric);
    // A labelled series that has not happened yet (no sample) cannot say which labels it has.
    if (!known) return [];
    return labels
      .filter((label) => !TARGET_LABELS.has(label) && !known.has(label))
      .map((label) => `${query.source}: ${metric} has no label ${label}`);
  });
}

describe('dashboards and alerts', () => {
  let central: AppProcess;
  let store: AppProcess;
  const exported: Exported = { names: new Set(), labels: new Map() };

  beforeAll(async () => {
    central = await startAppProcess({}, await createTestDatabase());
    await central.http.post('/v1/admin/stores', { storeId: S1, name: 'Store one' });
    await central.http.post('/v1/admin/products', {
      products: [{ productId: 'OBS-1', name: 'Observed', price: '1.00' }],
    });
    store = await startAppProcess(
      storeNodeEnv(central.baseUrl, S1, { HEARTBEAT_INTERVAL_MS: '200' }),
      await createTestDatabase(),
    );
    await driveTraffic();
    for (const node of [central, store])
      readExposition((await node.http.get('/metrics', { key: null })).text, exported);
  }, 90_000);

  afterAll(async () => {
    await store?.kill();
    await central?.kill();
  });

  /** A receive, a grant, sales at the store (from the allotment and forwarded), a hold. */
  async function driveTraffic(): Promise<void> {
    const receive = { storeId: S1, productId: 'OBS-1', delta: 20, reason: 'receive' };
    expect((await central.http.post('/v1/inventory/updates', receive)).status).toBe(200);
    const grant = { productId: 'OBS-1', quantity: 5 };
    expect((await central.http.post(`/v1/admin/stores/${S1}/allotments/grant`, grant)).status).toBe(
      200,
    );
    await eventually(
      () => store.http.get(`/v1/store/inventory/OBS-1`, { key: KEYS.client }),
      (level) => level.status === 200 && level.body.allotment === 5,
      'the grant in the replica',
    );
    for (let sale = 0; sale < 3; sale++) {
      const sold = await store.http.post(
        '/v1/store/sales',
        { productId: 'OBS-1', quantity: 1 },
        { key: KEYS.client },
      );
      expect([200, 202]).toContain(sold.status);
    }
    const hold = { storeId: S1, items: [{ productId: 'OBS-1', quantity: 1 }] };
    expect((await central.http.post('/v1/reservations', hold)).status).toBe(201);
  }

  it('ship an overview and a per-store dashboard, and the alert rules', () => {
    expect(dashboardFiles().length).toBeGreaterThanOrEqual(2);
    expect(dashboardQueries().length).toBeGreaterThan(10);
    expect(alertQueries().length).toBeGreaterThanOrEqual(7);
  });

  it('read only metrics and labels that central or a store exports', () => {
    const problems = [...dashboardQueries(), ...alertQueries()].flatMap((query) =>
      problemsOf(query, exported),
    );
    expect(problems).toEqual([]);
  });
});
