import { MAX_ON_HAND, MovementKind } from '../contract';
import { explainRejection, RejectionFacts, StockChange } from './stock-change';

const change = (overrides: Partial<StockChange> = {}): StockChange => ({
  productId: 'SKU-1',
  storeId: 'store-s1',
  delta: -1,
  kind: MovementKind.Sale,
  ...overrides,
});
const facts = (overrides: Partial<RejectionFacts> = {}): RejectionFacts => ({
  productActive: true,
  storeExists: true,
  level: { onHand: 5, reserved: 2, allotment: 0, onlineAvailable: 3, version: 7 },
  ...overrides,
});
const codeOf = (verdict: ReturnType<typeof explainRejection>) =>
  typeof verdict === 'string' ? verdict : verdict.code;

describe('explainRejection', () => {
  it('reports a missing or deleted product first, then a missing store', () => {
    expect(
      codeOf(explainRejection(change(), facts({ productActive: false, storeExists: false }))),
    ).toBe('product_not_found');
    expect(codeOf(explainRejection(change(), facts({ storeExists: false })))).toBe(
      'store_not_found',
    );
  });

  it('reports a version conflict with the current version and availability', () => {
    const verdict = explainRejection(change({ expectedVersion: 6 }), facts());
    expect(codeOf(verdict)).toBe('version_conflict');
    expect(typeof verdict !== 'string' && verdict.details).toMatchObject({
      version: 7,
      available: 3,
    });
  });

  it('treats a never-written level as version 0 with nothing available', () => {
    expect(
      codeOf(
        explainRejection(change({ expectedVersion: 1, delta: 5 }), facts({ level: undefined })),
      ),
    ).toBe('version_conflict');
    expect(codeOf(explainRejection(change({ delta: -1 }), facts({ level: undefined })))).toBe(
      'insufficient_stock',
    );
    expect(
      explainRejection(change({ delta: 5, expectedVersion: 0 }), facts({ level: undefined })),
    ).toBe('create-level');
  });

  it('refuses to go below the reserved quantity or above the maximum', () => {
    const verdict = explainRejection(change({ delta: -4 }), facts());
    expect(codeOf(verdict)).toBe('insufficient_stock');
    expect(typeof verdict !== 'string' && verdict.details).toMatchObject({
      available: 3,
      requested: 4,
    });
    expect(codeOf(explainRejection(change({ delta: MAX_ON_HAND }), facts()))).toBe(
      'quantity_out_of_range',
    );
  });

  it('never sells a store’s allotment through a central-side change', () => {
    const escrowed = facts({
      level: { onHand: 5, reserved: 1, allotment: 3, onlineAvailable: 1, version: 7 },
    });
    const verdict = explainRejection(change({ delta: -2 }), escrowed);
    expect(codeOf(verdict)).toBe('insufficient_stock');
    expect(typeof verdict !== 'string' && verdict.details).toMatchObject({
      available: 1,
      requested: 2,
    });
    expect(explainRejection(change({ delta: -1 }), escrowed)).toBe('retry');
  });

  it('asks for a retry when nothing explains the miss (the row changed in between)', () => {
    expect(explainRejection(change({ delta: -1 }), facts())).toBe('retry');
  });
});
