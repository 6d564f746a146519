/**
 * The committed OpenAPI documents (openapi/*.json) are exactly what the nodes serve, and the
 * console's client types (console/src/api/*.d.ts) exactly what openapi-typescript makes of them:
 * a change of a route, a DTO or a decorator that was not followed by `npm run openapi` fails here.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CLIENT_TYPES, OPENAPI_DOCUMENTS } from '../../scripts/openapi-documents';
import { REPO } from '../support/compiled-build';
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

  it.each(['central', 'store'] as const)(
    'gave the console its %s client types (else run npm run openapi)',
    (node) => {
      const folder = mkdtempSync(join(tmpdir(), 'client-types-'));
      try {
        const generated = join(folder, `${node}.d.ts`);
        // The very command npm run openapi runs.
        execFileSync(
          join(REPO, 'node_modules', '.bin', 'openapi-typescript'),
          [OPENAPI_DOCUMENTS[node], '-o', generated],
          { cwd: REPO, stdio: 'pipe' },
        );
        expect(readFileSync(CLIENT_TYPES[node], 'utf8')).toBe(readFileSync(generated, 'utf8'));
      } finally {
        rmSync(folder, { recursive: true, force: true });
      }
    },
  );
});
