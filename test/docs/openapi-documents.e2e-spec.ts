/**
 * The committed OpenAPI documents (openapi/*.json, the console's client types are generated
 * from them) are exactly what the nodes serve: a change of a route, a DTO or a decorator that
 * was not followed by `npm run openapi` fails here.
 */
import { readFileSync } from 'node:fs';
import { OPENAPI_DOCUMENTS } from '../../scripts/openapi-documents';
import { createStores, S1 } from '../support/e2e';
import { createTestApp, storeNodeEnv, type TestApp } from '../support/test-app';

const committed = (path: string): unknown => JSON.parse(readFileSync(path, 'utf8'));

describe('the committed OpenAPI documents', () => {
  let central: TestApp;
  let store: TestApp;

  beforeAll(async () => {
    central = await createTestApp();
    await createStores(central, S1);
    store = await createTestApp(storeNodeEnv(central.baseUrl, S1));
  });

  afterAll(async () => {
    await store?.close();
    await central?.close();
  });

  it.each([
    ['central', () => central, OPENAPI_DOCUMENTS.central],
    ['store', () => store, OPENAPI_DOCUMENTS.store],
  ])('are what %s serves (else run npm run openapi)', async (_node, app, path) => {
    const served = (await app().http.get('/docs-json', { key: null })).body as unknown;
    expect(served).toEqual(committed(path));
  });
});
