import { describeOutcome } from './outcome';

const level = {
  productId: 'SKU-00001',
  storeId: 'store-s1',
  onHand: 7,
  available: 6,
  version: 12,
  applied: true,
};
const problem = (status: number, code: string, detail = 'why') => ({
  status,
  body: { type: 'about:blank', title: 'Conflict', status, code, detail },
});

describe('describeOutcome', () => {
  it('says a 200 with a level was applied at central, with the level', () => {
    const outcome = describeOutcome({ status: 200, body: level });
    expect(outcome).toMatchObject({
      tone: 'applied',
      title: 'Applied at central',
      retrySameKey: false,
    });
    expect(outcome.detail).toBe('SKU-00001 at store-s1: 7 on hand, 6 available, version 12.');
  });

  it('says when the answer is the stored one of an earlier attempt', () => {
    expect(describeOutcome({ status: 200, body: level, replayed: true }).detail).toContain(
      'the stored answer of an earlier attempt with this key',
    );
  });

  it('says a 202 was accepted locally and is pending, with the allotment left and the entry', () => {
    const outcome = describeOutcome({
      status: 202,
      body: { status: 'pending', entryId: 42, allotmentRemaining: 3 },
    });
    expect(outcome).toMatchObject({ tone: 'pending', title: 'Accepted locally, pending' });
    expect(outcome.detail).toContain('3 left');
    expect(outcome.detail).toContain('#42');
  });

  it('tells 409s apart by their code, never all as a version conflict', () => {
    const allotment = describeOutcome(problem(409, 'insufficient_allotment'));
    const stock = describeOutcome(problem(409, 'insufficient_stock'));
    const version = describeOutcome(problem(409, 'version_conflict'));
    expect(allotment.title).toBe(
      'Not applied: the allotment left cannot cover it (central cannot be asked now)',
    );
    expect(stock.title).toBe('Not applied: not enough stock available');
    expect(version.title).toBe('Not applied: the level changed since it was read');
    for (const outcome of [allotment, stock, version]) {
      expect(outcome).toMatchObject({ tone: 'refused', retrySameKey: false });
    }
  });

  it('quotes the code and the server’s detail', () => {
    expect(describeOutcome(problem(409, 'insufficient_allotment', '2 left, 5 asked')).detail).toBe(
      'insufficient_allotment: 2 left, 5 asked',
    );
  });

  it('says outcome_unknown is unknown and offers a retry with the same key', () => {
    expect(describeOutcome(problem(503, 'outcome_unknown'))).toMatchObject({
      tone: 'unknown',
      title: 'Outcome unknown: retry with the same key',
      retrySameKey: true,
    });
  });

  it('says central_unavailable was not applied, and that trying again is safe', () => {
    expect(describeOutcome(problem(503, 'central_unavailable'))).toMatchObject({
      tone: 'refused',
      title: 'Not applied: central cannot be reached, and this needs central',
      retrySameKey: true,
    });
  });

  it('says no answer at all is unknown, never not applied', () => {
    const outcome = describeOutcome({ failure: 'Failed to fetch' });
    expect(outcome).toMatchObject({ tone: 'unknown', retrySameKey: true });
    expect(outcome.detail).toContain('Failed to fetch');
  });

  it('says a server failure without a code is unknown', () => {
    expect(describeOutcome({ status: 502, body: 'Bad Gateway' })).toMatchObject({
      tone: 'unknown',
      detail: 'http_502: the server failed (HTTP 502)',
    });
  });

  it('names an unknown refusal by its title and code', () => {
    expect(describeOutcome(problem(418, 'teapot'))).toMatchObject({
      tone: 'refused',
      title: 'Not applied: Conflict',
      detail: 'teapot: why',
    });
  });
});
