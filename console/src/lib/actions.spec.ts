import { canRetry, loadActions, newAction, saveActions, sending, settled } from './actions';
import { describeOutcome } from './outcome';

const sale = { kind: 'sale' as const, productId: 'SKU-00001', quantity: 2 };
const lost = describeOutcome({ failure: 'reset' });
const problem = (status: number, code: string) =>
  describeOutcome({ status, body: { code, detail: 'why', title: 'Refused' } });
const applied = describeOutcome({
  status: 200,
  body: { productId: 'SKU-00001', storeId: 'store-s1', onHand: 1, available: 1, version: 3 },
});

/** A Storage in memory, as session storage behaves within one tab. */
function memoryStorage(): Storage {
  const items = new Map<string, string>();
  return {
    getItem: (key) => items.get(key) ?? null,
    setItem: (key, value) => void items.set(key, value),
    removeItem: (key) => void items.delete(key),
    clear: () => items.clear(),
    key: (index) => [...items.keys()][index] ?? null,
    get length() {
      return items.size;
    },
  };
}

describe('a user action', () => {
  it('gets a key of its own: two clicks are two actions', () => {
    expect(newAction(sale).idempotencyKey).not.toBe(newAction(sale).idempotencyKey);
  });

  it('sends the same key on every attempt, counting them', () => {
    const action = newAction(sale);
    const retried = sending(settled(sending(action), lost));
    expect(retried.idempotencyKey).toBe(action.idempotencyKey);
    expect(retried.attempts).toBe(2);
    expect(retried.request).toEqual(sale);
  });

  it('offers a retry only after an open outcome, and not while sending', () => {
    const action = sending(newAction(sale));
    expect(canRetry(action)).toBe(false);
    expect(canRetry(settled(action, lost))).toBe(true);
    expect(canRetry(settled(action, applied))).toBe(false);
  });

  it.each([
    ['a rate limit', problem(429, 'rate_limited')],
    ['central out of reach', problem(503, 'central_unavailable')],
    ['an allotment that cannot cover it', problem(409, 'insufficient_allotment')],
    ['a key check', problem(403, 'forbidden')],
  ])('stays unknown when the retry after an unknown outcome meets %s', (_, refusal) => {
    const retried = settled(sending(settled(sending(newAction(sale)), lost)), refusal);
    expect(retried.outcome).toMatchObject({ tone: 'unknown', retrySameKey: true });
    expect(retried.outcome?.detail).toContain('an earlier attempt may have been applied');
    expect(retried.inDoubt).toBe(true);
  });

  it('is settled by a definite answer after an unknown one', () => {
    const doubted = sending(settled(sending(newAction(sale)), lost));
    expect(settled(doubted, applied)).toMatchObject({
      inDoubt: false,
      outcome: { tone: 'applied' },
    });
    expect(settled(doubted, problem(409, 'insufficient_stock'))).toMatchObject({
      inDoubt: false,
      outcome: { tone: 'refused' },
    });
  });

  it('is a plain refusal when nothing was in doubt', () => {
    expect(settled(sending(newAction(sale)), problem(429, 'rate_limited')).outcome).toMatchObject({
      tone: 'refused',
      retrySameKey: true,
    });
  });

  it('survives a page load with its key; one still sending then is unknown', () => {
    const storage = memoryStorage();
    const done = settled(sending(newAction(sale)), applied);
    const inFlight = sending(newAction({ ...sale, kind: 'receive' }));
    saveActions(storage, [inFlight, done]);
    const [reloaded, kept] = loadActions(storage);
    expect(reloaded).toMatchObject({
      idempotencyKey: inFlight.idempotencyKey,
      sending: false,
      inDoubt: true,
      outcome: { tone: 'unknown' },
    });
    expect(canRetry(reloaded)).toBe(true);
    expect(kept).toEqual(done);
  });

  it('loads nothing from a storage that holds no actions or garbage', () => {
    const storage = memoryStorage();
    expect(loadActions(storage)).toEqual([]);
    storage.setItem('inventory-console.actions', '{not json');
    expect(loadActions(storage)).toEqual([]);
  });
});
