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
});
