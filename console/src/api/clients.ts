/**
 * The console's only way to the nodes: clients typed from the committed OpenAPI documents
 * (`npm run openapi` regenerates central.d.ts and store.d.ts), each request carrying the key the
 * person gave. Paths, parameters, bodies and answers are checked against the documents at build
 * time, so a console that drifts from the API does not compile.
 */
import createClient, { type Client } from 'openapi-fetch';
import type { components as CentralComponents, paths as CentralPaths } from './central';
import type { components as StoreComponents, paths as StorePaths } from './store';

export type CentralClient = Client<CentralPaths>;
export type StoreClient = Client<StorePaths>;
export type CentralSchemas = CentralComponents['schemas'];
export type StoreSchemas = StoreComponents['schemas'];
export type Me = CentralSchemas['MeViewDto'];
export type Problem = CentralSchemas['Problem'];

export function apiClient<Paths extends object>(apiKey: () => string | undefined): Client<Paths> {
  // The page is served by the node it talks to: same origin, no CORS, no address to configure.
  const client = createClient<Paths>({ baseUrl: window.location.origin });
  client.use({
    onRequest({ request }) {
      const key = apiKey();
      if (key) request.headers.set('X-API-Key', key);
      return request;
    },
  });
  return client;
}

/** A problem+json's words, or the status when the body is not one. */
export function problemText(error: unknown, response: Response): string {
  const problem = error as Partial<Problem> | undefined;
  if (problem?.code) return `${problem.code}: ${problem.detail ?? problem.title ?? ''}`;
  return `HTTP ${response.status}`;
}

/** The answer's body, or an Error saying what the node refused (a read's failure is shown, not thrown away). */
export async function answerOf<T>(
  call: Promise<{ data?: T; error?: unknown; response: Response }>,
): Promise<T> {
  const { data, error, response } = await call;
  if (data === undefined) throw new Error(problemText(error, response));
  return data;
}
