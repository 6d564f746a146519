import { join } from 'node:path';
import { REPO } from './repository-root';

/**
 * The OpenAPI documents of both nodes, committed so the console's client types are generated
 * from them (`npm run openapi`) and a change of the API shows in review;
 * test/docs/openapi-documents.e2e-spec.ts fails when they drift from the code.
 */
export const OPENAPI_DOCUMENTS = {
  central: join(REPO, 'openapi', 'central.json'),
  store: join(REPO, 'openapi', 'store.json'),
} as const;

/** The console's client types, generated from each document by openapi-typescript. */
export const CLIENT_TYPES = {
  central: join(REPO, 'console', 'src', 'api', 'central.d.ts'),
  store: join(REPO, 'console', 'src', 'api', 'store.d.ts'),
} as const;

/** How a document is written: stable, diff-friendly. */
export function serializeDocument(document: unknown): string {
  return `${JSON.stringify(document, null, 2)}\n`;
}
