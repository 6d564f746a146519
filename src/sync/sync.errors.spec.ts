import { toProblem } from '../common/errors/problem';
import { CentralRejectedError, CentralUnavailableError, UnavailableReason } from './sync.errors';

describe('sync errors', () => {
  it('renders a refusal by central as central sent it, naming the caller’s own request', () => {
    const fromCentral = {
      type: 'urn:problem:inventory:insufficient_stock',
      title: 'Conflict',
      status: 409,
      detail: 'Only 0 unit(s) of SKU-1 are available at store-s1; 1 requested.',
      instance: '/v1/inventory/updates',
      code: 'insufficient_stock',
      available: 0,
      requested: 1,
    };
    const problem = toProblem(new CentralRejectedError(409, fromCentral), '/v1/store/sales');
    expect(problem.status).toBe(409);
    expect(problem.headers['content-type']).toBe('application/problem+json');
    expect(problem.body).toEqual({ ...fromCentral, instance: '/v1/store/sales' });
  });

  it('says which unavailability is worth another attempt', () => {
    const transient = [
      UnavailableReason.Unreachable,
      UnavailableReason.ServerError,
      UnavailableReason.Timeout,
    ];
    for (const reason of Object.values(UnavailableReason)) {
      const error = new CentralUnavailableError(reason, 'x');
      expect(error.transient).toBe(transient.includes(reason));
      expect(toProblem(error, '/v1/store/sales')).toMatchObject({
        status: 503,
        body: { code: 'central_unavailable', reason },
      });
    }
  });

  it('takes only refusals made after central checked the key as "nothing applied under it"', () => {
    const refusal = (status: number, code: string) =>
      new CentralRejectedError(status, { code, detail: code }).decidesTheKey;
    expect(refusal(409, 'insufficient_stock')).toBe(true);
    expect(refusal(404, 'product_not_found')).toBe(true);
    expect(refusal(400, 'validation_failed')).toBe(true);
    expect(refusal(422, 'idempotency_key_reused')).toBe(true);
    // Central's guards run before its idempotency interceptor; in flight means still running.
    expect(refusal(429, 'rate_limited')).toBe(false);
    expect(refusal(403, 'forbidden')).toBe(false);
    expect(refusal(401, 'unauthenticated')).toBe(false);
    expect(refusal(409, 'idempotency_in_flight')).toBe(false);
  });
});
