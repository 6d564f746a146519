import {
  createProducts,
  createStores,
  metricValue,
  receive,
  S1,
  uniqueKey,
  update,
} from '../support/e2e';
import { createTestApp, TestApp } from '../support/test-app';

describe('health, metrics, API docs and request ids', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await createTestApp();
    await createStores(t, S1);
    await createProducts(t, 'OBS-1');
  });

  afterAll(async () => {
    await t.close();
  });

  const metrics = async () => {
    const response = await t.http.get('/metrics', { key: null });
    expect(response.status).toBe(200);
    return response.text;
  };

  it('answers liveness and readiness without a key', async () => {
    const live = await t.http.get('/health/live', { key: null });
    expect(live.status).toBe(200);
    expect(live.body).toEqual({ status: 'ok', info: {}, error: {}, details: {} });

    const ready = await t.http.get('/health/ready', { key: null });
    expect(ready.status).toBe(200);
    expect(ready.body).toMatchObject({
      status: 'ok',
      info: { database: { status: 'up' } },
      error: {},
    });
    // An invalid key does not matter on public routes.
    expect((await t.http.get('/health/ready', { key: 'garbage' })).status).toBe(200);
  });

  it('exposes Prometheus metrics that count applied, refused and replayed stock changes', async () => {
    const before = await metrics();
    const applied = 'inventory_stock_updates_applied_total{kind="receive"}';
    const sales = 'inventory_stock_updates_applied_total{kind="sale"}';
    const conflicts = 'inventory_stock_updates_rejected_total{reason="version_conflict"}';
    const shortages = 'inventory_stock_updates_rejected_total{reason="insufficient_stock"}';
    const replays = 'inventory_idempotent_replays_total';

    await receive(t, 'OBS-1', S1, 5);
    await receive(t, 'OBS-1', S1, 5);
    const key = uniqueKey();
    const sale = { storeId: S1, productId: 'OBS-1', delta: -1, reason: 'sale' };
    expect((await update(t, sale, { headers: { 'Idempotency-Key': key } })).status).toBe(200);
    expect((await update(t, sale, { headers: { 'Idempotency-Key': key } })).status).toBe(200);
    expect((await update(t, sale, { headers: { 'Idempotency-Key': key } })).status).toBe(200);
    expect(
      (await update(t, { storeId: S1, productId: 'OBS-1', delta: 1, expectedVersion: 99 })).status,
    ).toBe(409);
    expect(
      (await update(t, { storeId: S1, productId: 'OBS-1', delta: -100, reason: 'sale' })).status,
    ).toBe(409);
    expect(
      (await update(t, { storeId: S1, productId: 'OBS-1', delta: -100, reason: 'sale' })).status,
    ).toBe(409);

    const after = await metrics();
    const delta = (series: string) => metricValue(after, series) - metricValue(before, series);
    expect(delta(applied)).toBe(2);
    expect(delta(sales)).toBe(1);
    expect(delta(conflicts)).toBe(1);
    expect(delta(shortages)).toBe(2);
    expect(delta(replays)).toBe(2);

    expect(after).toContain('# TYPE http_request_duration_seconds histogram');
    expect(
      metricValue(
        after,
        'http_request_duration_seconds_count{method="POST",route="/v1/inventory/updates",status="409"}',
      ),
    ).toBeGreaterThanOrEqual(3);
    // Route patterns, not raw URLs, keep label cardinality bounded.
    await t.http.get('/v1/inventory/OBS-1');
    expect(await metrics()).toMatch(
      /http_request_duration_seconds_count\{method="GET",route="\/v1\/inventory\/:productId",status="200"\} \d+/,
    );
    expect(after).not.toContain('route="/v1/inventory/OBS-1"');
  });

  it('serves the Swagger UI and an OpenAPI document listing every route', async () => {
    const ui = await t.http.get('/docs', { key: null });
    expect(ui.status).toBe(200);
    expect(ui.headers.get('content-type')).toMatch(/^text\/html/);
    expect(ui.text).toContain('Swagger UI');

    const spec = await t.http.get('/docs-json', { key: null });
    expect(spec.status).toBe(200);
    expect(spec.body.openapi).toMatch(/^3\./);
    const operations = Object.entries(spec.body.paths as Record<string, object>).flatMap(
      ([path, methods]) => Object.keys(methods).map((method) => `${method.toUpperCase()} ${path}`),
    );
    expect(operations.sort()).toEqual(
      expect.arrayContaining([
        'DELETE /v1/admin/products/{productId}',
        'GET /health/live',
        'GET /health/ready',
        'GET /v1/admin/rate-limit/status',
        'GET /v1/admin/stores',
        'GET /v1/inventory',
        'GET /v1/inventory/{productId}',
        'GET /v1/inventory/{productId}/movements',
        'GET /v1/inventory/{productId}/stores/{storeId}',
        'PATCH /v1/admin/products/{productId}',
        'POST /v1/admin/products',
        'POST /v1/admin/stores',
        'POST /v1/inventory/updates',
        'PUT /v1/inventory/{productId}/stores/{storeId}',
      ]),
    );
    // Every group of routes says what it is for.
    const tags = spec.body.tags as { name: string; description?: string }[];
    expect(tags.map((tag) => tag.name)).toEqual(
      expect.arrayContaining(['inventory', 'reservations', 'feed', 'stores', 'admin', 'health']),
    );
    for (const tag of tags)
      expect({ tag: tag.name, described: !!tag.description }).toEqual({
        tag: tag.name,
        described: true,
      });
    // A query filter has no example: "Try it out" must not start the first page mid-way.
    const listParameters = (
      spec.body.paths['/v1/inventory'].get.parameters as {
        name: string;
        schema?: { example?: unknown };
        example?: unknown;
      }[]
    ).filter((parameter) => ['cursor', 'storeId'].includes(parameter.name));
    expect(listParameters).toHaveLength(2);
    for (const parameter of listParameters) {
      expect({
        name: parameter.name,
        example: parameter.example ?? parameter.schema?.example,
      }).toEqual({
        name: parameter.name,
        example: undefined,
      });
    }
    expect(spec.body.components.securitySchemes.ApiKey).toEqual({
      type: 'apiKey',
      in: 'header',
      name: 'x-api-key',
    });
    expect(spec.body.components.schemas.Problem.required).toEqual([
      'type',
      'title',
      'status',
      'detail',
      'code',
    ]);
    const updates = spec.body.paths['/v1/inventory/updates'].post;
    expect(Object.keys(updates.responses)).toEqual(
      expect.arrayContaining(['200', '400', '401', '403', '404', '409', '422', '429']),
    );
    expect(updates.parameters).toEqual(
      expect.arrayContaining([expect.objectContaining({ name: 'Idempotency-Key', in: 'header' })]),
    );
  });

  it('echoes a well-formed X-Request-Id and otherwise generates one', async () => {
    const echoed = await t.http.get('/v1/inventory/OBS-1', {
      headers: { 'X-Request-Id': 'upstream.trace:42-a_b' },
    });
    expect(echoed.headers.get('x-request-id')).toBe('upstream.trace:42-a_b');

    const uuid = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
    for (const malformed of ['has spaces in it', 'x'.repeat(129), 'semi;colon']) {
      const response = await t.http.get('/v1/inventory/OBS-1', {
        headers: { 'X-Request-Id': malformed },
      });
      expect(response.headers.get('x-request-id')).toMatch(uuid);
    }
    const generated = [
      await t.http.get('/health/live', { key: null }),
      await t.http.get('/v1/inventory/OBS-404'),
      await t.http.get('/v1/nope'),
      await t.http.get('/v1/inventory', { key: null }),
    ].map((response) => response.headers.get('x-request-id'));
    for (const id of generated) expect(id).toMatch(uuid);
    expect(new Set(generated).size).toBe(generated.length);

    // The id reaches the ledger.
    const traced = await update(
      t,
      { storeId: S1, productId: 'OBS-1', delta: 1 },
      { headers: { 'X-Request-Id': 'trace-obs-ledger' } },
    );
    expect(traced.headers.get('x-request-id')).toBe('trace-obs-ledger');
    const movements = await t.http.get('/v1/inventory/OBS-1/movements?limit=1');
    expect(movements.body.items[0].requestId).toBe('trace-obs-ledger');
  });
});
