/**
 * The Swagger documents of central and of a store node, checked against the system they
 * describe: every error example is a problem document of its own status with a code the README
 * lists, every success says what it means, and every request example, sent in the document's
 * order to a central and a store loaded with the demo catalog, succeeds. So "Try it out" against
 * `npm run demo` shows real answers, not refusals.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { seed } from '../../scripts/seed';
import { eventually, S1 } from '../support/e2e';
import { REPO } from '../support/compiled-build';
import { createTestApp, KEYS, storeNodeEnv, type TestApp } from '../support/test-app';

interface Example {
  summary?: string;
  value: Record<string, unknown>;
}

interface Response {
  description?: string;
  content?: Record<string, { examples?: Record<string, Example> }>;
}

interface Operation {
  requestBody?: { content: Record<string, { examples?: Record<string, Example> }> };
  responses: Record<string, Response>;
}

type Document = { paths: Record<string, Record<string, Operation>> };

interface DocumentedOperation extends Operation {
  method: string;
  path: string;
}

function operationsOf(document: Document): DocumentedOperation[] {
  return Object.entries(document.paths).flatMap(([path, methods]) =>
    Object.entries(methods).map(([method, operation]) => ({ ...operation, method, path })),
  );
}

/** The codes of the README's error table. */
function readmeCodes(): Set<string> {
  const readme = readFileSync(join(REPO, 'README.md'), 'utf8');
  return new Set([...readme.matchAll(/^\| \d{3} +\| `(\w+)` /gm)].map((match) => match[1]));
}

/** The demo catalog's ids the examples' path parameters take (README: store-s1, SKU-00001). */
const DEMO_PATH_VALUES: Record<string, string> = { productId: 'SKU-00001', storeId: S1 };

/** A store's own routes at central take its key, as the README's curl lines do. */
const keyFor = (path: string) => (path.startsWith('/v1/stores/') ? KEYS.storeS1 : KEYS.admin);

describe('the Swagger documents, against a system loaded with the demo catalog', () => {
  let central: TestApp;
  let store: TestApp;
  const documents: { node: string; app: () => TestApp; operations: DocumentedOperation[] }[] = [];

  beforeAll(async () => {
    central = await createTestApp();
    await seed({
      baseUrl: central.baseUrl,
      adminKey: KEYS.admin,
      products: 5,
      stores: 3,
      stock: 50,
    });
    store = await createTestApp(storeNodeEnv(central.baseUrl, S1));
    // The demo's state before anyone tries anything: the replica loaded, the allotments granted.
    await eventually(
      async () => (await central.http.get(`/v1/inventory/SKU-00002/stores/${S1}`)).body.allotment,
      (allotment: number) => allotment > 0,
      'the store to be granted its allotment',
    );
    for (const [node, app] of [
      ['central', () => central],
      ['store', () => store],
    ] as const) {
      const document = (await app().http.get('/docs-json', { key: null })).body as Document;
      documents.push({ node, app, operations: operationsOf(document) });
    }
  }, 120_000);

  afterAll(async () => {
    await store?.close();
    await central?.close();
  });

  it('shows, for every error of every operation, problem documents of that status with a README code', () => {
    const codes = readmeCodes();
    const wrong = documents.flatMap(({ node, operations }) =>
      operations.flatMap(({ method, path, responses }) =>
        Object.entries(responses)
          .filter(([status]) => Number(status) >= 400)
          .flatMap(([status, response]) => {
            const examples = Object.values(
              response.content?.['application/problem+json']?.examples ?? {},
            );
            const where = `${node} ${method.toUpperCase()} ${path} ${status}`;
            if (examples.length === 0) return [`${where}: no example`];
            return examples
              .filter(
                ({ value }) => value.status !== Number(status) || !codes.has(String(value.code)),
              )
              .map(({ value }) => `${where}: ${String(value.status)} ${String(value.code)}`);
          }),
      ),
    );
    expect(wrong).toEqual([]);
  });

  it('says what every success means', () => {
    const undescribed = documents.flatMap(({ node, operations }) =>
      operations
        .filter(({ responses }) =>
          Object.entries(responses).every(
            ([status, response]) => !/^2/.test(status) || !response.description?.trim(),
          ),
        )
        .map(({ method, path }) => `${node} ${method.toUpperCase()} ${path}`),
    );
    expect(undescribed).toEqual([]);
  });

  it('answers every request example, sent in the document’s order, with a success', async () => {
    const refused: string[] = [];
    const pathValues = { ...DEMO_PATH_VALUES };
    for (const { node, app, operations } of documents) {
      for (const { method, path, requestBody } of operations.filter((op) => op.requestBody)) {
        const examples = Object.entries(requestBody!.content['application/json']?.examples ?? {});
        if (examples.length === 0)
          refused.push(`${node} ${method.toUpperCase()} ${path}: no example`);
        for (const [name, { value }] of examples) {
          const url = path.replace(/\{(\w+)\}/g, (_, param: string) => pathValues[param]);
          const answer = await app().http.request(method.toUpperCase(), url, value, {
            key: keyFor(path),
          });
          if (answer.status >= 300) {
            refused.push(
              `${node} ${method.toUpperCase()} ${url} ${name}: ${answer.status} ${answer.body?.code}`,
            );
          }
          // A reservation the examples made is the one the later ones act on.
          if (typeof answer.body?.reservationId === 'string') {
            pathValues.reservationId = answer.body.reservationId as string;
          }
        }
      }
    }
    expect(refused).toEqual([]);
  }, 60_000);
});
