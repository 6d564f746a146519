import type { Client } from 'pg';
import {
  countRows,
  errorFields,
  expectProblem,
  levelRow,
  S1,
  startCentral,
  stopCentral,
  update,
} from '../support/e2e';
import { TestApp } from '../support/test-app';

/** Transport-level failures answer problem+json with a stable code, like every other error. */
describe('malformed requests and unknown routes', () => {
  let t: TestApp;
  let db: Client;

  beforeAll(async () => {
    ({ t, db } = await startCentral({ stores: [S1], products: ['HTTP-1'] }));
  });

  afterAll(() => stopCentral(t, db));

  it('answers 400 malformed_request for a body that is not valid JSON', async () => {
    for (const body of ['{"storeId":', '{storeId: "store-s1"}', "{'a':1}", '[1,]']) {
      const response = await t.http.raw('POST', '/v1/inventory/updates', body, 'application/json');
      expectProblem(response, 400, 'malformed_request', '/v1/inventory/updates');
      expect(response.body.title).toBe('Bad Request');
    }
    const put = await t.http.raw(
      'PUT',
      `/v1/inventory/HTTP-1/stores/${S1}`,
      '{"onHand": 5',
      'application/json',
    );
    expectProblem(put, 400, 'malformed_request');
    expect(await levelRow(db, 'HTTP-1', S1)).toBeUndefined();
  });

  it('answers 400 validation_failed for JSON that is not an object of the expected shape', async () => {
    for (const body of ['[]', '"text"', '42', 'null']) {
      const response = await t.http.raw('POST', '/v1/inventory/updates', body, 'application/json');
      expectProblem(response, 400, 'validation_failed');
      expect(errorFields(response)).toEqual(['storeId', 'productId', 'delta']);
    }
    expect(await levelRow(db, 'HTTP-1', S1)).toBeUndefined();
  });

  it('answers 415 unsupported_media_type for a body that is not JSON', async () => {
    const cases: [string, string][] = [
      ['text/plain', '{"storeId":"store-s1","productId":"HTTP-1","delta":1}'],
      ['application/x-www-form-urlencoded', 'storeId=store-s1&productId=HTTP-1&delta=1'],
      ['application/xml', '<update><delta>1</delta></update>'],
    ];
    for (const [contentType, body] of cases) {
      const response = await t.http.raw('POST', '/v1/inventory/updates', body, contentType);
      expectProblem(response, 415, 'unsupported_media_type', '/v1/inventory/updates');
      expect(response.body.title).toBe('Unsupported Media Type');
    }
    const admin = await t.http.raw(
      'POST',
      '/v1/admin/stores',
      '{"storeId":"store-plain","name":"Plain"}',
      'text/plain',
    );
    expectProblem(admin, 415, 'unsupported_media_type');
    // A form whose fields are all strings would otherwise pass validation and create the store.
    const form = await t.http.raw(
      'POST',
      '/v1/admin/stores',
      'storeId=store-form&name=Form',
      'application/x-www-form-urlencoded',
    );
    expectProblem(form, 415, 'unsupported_media_type');
    expect((await t.http.get('/v1/admin/stores')).body).toEqual([
      expect.objectContaining({ storeId: S1 }),
    ]);
    expect(await levelRow(db, 'HTTP-1', S1)).toBeUndefined();
    expect(await countRows(db, 'events', `store_id = 'store-plain'`)).toBe(0);
  });

  it('accepts JSON with a charset parameter', async () => {
    const response = await t.http.raw(
      'POST',
      '/v1/inventory/updates',
      JSON.stringify({ storeId: S1, productId: 'HTTP-1', delta: 1 }),
      'application/json; charset=utf-8',
    );
    expect(response.status).toBe(200);
    expect(response.body).toMatchObject({ onHand: 1, version: 1 });
  });

  it('answers 413 payload_too_large for a body over 2 MB', async () => {
    const note = 'x'.repeat(2 * 1024 * 1024);
    const response = await update(t, { storeId: S1, productId: 'HTTP-1', delta: 1, note });
    expectProblem(response, 413, 'payload_too_large', '/v1/inventory/updates');
    expect(response.body.title).toBe('Content Too Large');

    // Just under the limit is read (and then refused by validation: the note is too long).
    const justUnder = await update(t, {
      storeId: S1,
      productId: 'HTTP-1',
      delta: 1,
      note: 'x'.repeat(2 * 1024 * 1024 - 200),
    });
    expectProblem(justUnder, 400, 'validation_failed');
    expect(await levelRow(db, 'HTTP-1', S1)).toMatchObject({ on_hand: 1, version: 1 });
  });

  it('answers 404 route_not_found for unknown routes and methods, with or without a key', async () => {
    const cases: [string, string, string | null][] = [
      ['GET', '/v1/nope', 'test-admin-key'],
      ['GET', '/v1/nope', null],
      ['GET', '/v2/inventory', 'test-admin-key'],
      ['POST', '/v1/inventory/HTTP-1', 'test-admin-key'],
      ['DELETE', '/v1/inventory/HTTP-1', 'test-admin-key'],
      ['GET', '/v1/inventory/HTTP-1/stores', 'test-admin-key'],
      ['GET', '/', null],
    ];
    for (const [method, path, key] of cases) {
      const response = await t.http.request(method, path, undefined, { key });
      expectProblem(response, 404, 'route_not_found', path);
      expect(response.body.detail).toBe(`Cannot ${method} ${path}`);
    }
  });

  it('answers every error as a complete RFC 9457 problem document', async () => {
    const response = await t.http.get('/v1/inventory?x=1');
    expect(response.status).toBe(400);
    expect(Object.keys(response.body).sort()).toEqual([
      'code',
      'detail',
      'errors',
      'instance',
      'status',
      'title',
      'type',
    ]);
    expect(response.body.instance).toBe('/v1/inventory');

    const notFound = await t.http.get('/v1/inventory/HTTP-404');
    expect(notFound.body).toEqual({
      type: 'urn:problem:inventory:product_not_found',
      title: 'Not Found',
      status: 404,
      detail: 'Product HTTP-404 does not exist.',
      instance: '/v1/inventory/HTTP-404',
      code: 'product_not_found',
      productId: 'HTTP-404',
    });
  });
});
