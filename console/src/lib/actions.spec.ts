import { canRetry, newAction, sending, settled } from './actions';
import { describeOutcome } from './outcome';

const sale = { kind: 'sale' as const, productId: 'SKU-00001', quantity: 2 };

describe('a user action', () => {
  it('gets a key of its own: two clicks are two actions', () => {
    expect(newAction(sale).idempotencyKey).not.toBe(newAction(sale).idempotencyKey);
  });

  it('sends the same key on every attempt, counting them', () => {
    const action = newAction(sale);
    const retried = sending(settled(sending(action), describeOutcome({ failure: 'reset' })));
    expect(retried.idempotencyKey).toBe(action.idempotencyKey);
    expect(retried.attempts).toBe(2);
    expect(retried.request).toEqual(sale);
  });

  it('offers a retry only after an open outcome, and not while sending', () => {
    const action = sending(newAction(sale));
    expect(canRetry(action)).toBe(false);
    expect(canRetry(settled(action, describeOutcome({ failure: 'reset' })))).toBe(true);
    const applied = describeOutcome({
      status: 200,
      body: { productId: 'SKU-00001', storeId: 'store-s1', onHand: 1, available: 1, version: 3 },
    });
    expect(canRetry(settled(action, applied))).toBe(false);
  });
});
