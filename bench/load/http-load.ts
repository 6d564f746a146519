import autocannon from 'autocannon';

/** One request as a scenario wants it sent. */
export interface PlannedRequest {
  method: 'GET' | 'POST';
  path: string;
  body?: string;
  headers?: Record<string, string>;
}

/** Autocannon's per-connection scratch object: filled when a request is planned, read on its response. */
export type RequestContext = Record<string, unknown>;

export interface LoadSpec {
  baseUrl: string;
  apiKey: string;
  connections: number;
  durationSeconds: number;
  /** Requests per second of each connection; unlimited when unset. */
  connectionRate?: number;
  /** Called for every request (autocannon's setupRequest), so each can differ (key, product). */
  plan: (context: RequestContext) => PlannedRequest;
  /** Called as each response completes, in the order they arrive, with its body. */
  onResponse?: (status: number, context: RequestContext, body: string) => void;
}

export interface LoadOutcome {
  seconds: number;
  latenciesMs: number[];
  statusCounts: Record<string, number>;
  /** Non-2xx answers as "<status> <problem code>", and transport errors. */
  errors: Record<string, number>;
}

/** Drives one load with autocannon and records every latency, status and problem code. */
export function runLoad(spec: LoadSpec): Promise<LoadOutcome> {
  const latenciesMs: number[] = [];
  const statusCounts: Record<string, number> = {};
  const errors: Record<string, number> = {};
  return new Promise((resolve, reject) => {
    const instance = autocannon(
      {
        url: spec.baseUrl,
        connections: spec.connections,
        duration: spec.durationSeconds,
        connectionRate: spec.connectionRate,
        headers: { 'x-api-key': spec.apiKey },
        requests: [
          {
            setupRequest: (request, context) =>
              withPlan(request, spec.plan(context as RequestContext)),
            onResponse: (status, body, context) => {
              increment(statusCounts, String(status));
              if (status >= 300) increment(errors, `${status} ${problemCodeOf(body)}`);
              spec.onResponse?.(status, context as RequestContext, body);
            },
          },
        ],
      },
      (error: unknown, result: autocannon.Result) => {
        if (error) return reject(error instanceof Error ? error : new Error(JSON.stringify(error)));
        if (result.errors > 0) errors['transport error or timeout'] = result.errors;
        resolve({ seconds: result.duration, latenciesMs, statusCounts, errors });
      },
    );
    instance.on('response', (_client, _status, _bytes, responseTime) =>
      latenciesMs.push(responseTime),
    );
  });
}

function withPlan(request: autocannon.Request, plan: PlannedRequest): autocannon.Request {
  const headers = { ...request.headers, ...plan.headers };
  if (plan.body !== undefined) headers['content-type'] = 'application/json';
  return { ...request, method: plan.method, path: plan.path, body: plan.body, headers };
}

/** The stable `code` of a problem+json answer, or "-" when the body is not one. */
function problemCodeOf(body: string): string {
  try {
    const code = (JSON.parse(body) as { code?: unknown }).code;
    return typeof code === 'string' ? code : '-';
  } catch {
    return '-';
  }
}

export function increment(counts: Record<string, number>, key: string, by = 1): void {
  counts[key] = (counts[key] ?? 0) + by;
}
