import { describeOutcome } from './outcome';
import { afterPush, type OutboxSnapshot } from './pushed';

const pending = describeOutcome({
  status: 202,
  body: { status: 'pending', entryId: 14, allotmentRemaining: 3 },
});
const ANSWERED = 1_000;
const outbox = (over: Partial<OutboxSnapshot>): OutboxSnapshot => ({
  pendingIds: new Set(),
  rejected: new Map(),
  complete: true,
  readAt: ANSWERED + 1,
  ...over,
});

describe('afterPush', () => {
  it('stays pending while the entry waits, or while the outbox was read before the answer', () => {
    expect(afterPush(pending, ANSWERED, outbox({ pendingIds: new Set([14]) }))).toBe(pending);
    expect(afterPush(pending, ANSWERED, outbox({ readAt: ANSWERED }))).toBe(pending);
    expect(afterPush(pending, ANSWERED, undefined)).toBe(pending);
  });

  it('says applied once a later, whole read lists the entry nowhere', () => {
    expect(afterPush(pending, ANSWERED, outbox({}))).toMatchObject({
      tone: 'applied',
      title: 'Pushed and applied at central',
    });
  });

  it('does not say applied from a partial read', () => {
    expect(afterPush(pending, ANSWERED, outbox({ complete: false }))).toBe(pending);
  });

  it('says refused, with central’s reason, when the entry is among the refused', () => {
    const refused = outbox({
      rejected: new Map([[14, { code: 'product_not_found', detail: 'gone' }]]),
      complete: false,
    });
    expect(afterPush(pending, ANSWERED, refused)).toMatchObject({
      tone: 'refused',
      detail: 'Outbox entry #14: product_not_found: gone',
    });
  });

  it('leaves every other outcome alone', () => {
    const lost = describeOutcome({ failure: 'reset' });
    expect(afterPush(lost, ANSWERED, outbox({}))).toBe(lost);
  });
});
