import { decodeCursor, encodeCursor, toPage } from './cursor';

describe('cursor', () => {
  it('round-trips a key', () => {
    expect(decodeCursor(encodeCursor('SKU-0042'))).toBe('SKU-0042');
    expect(decodeCursor(undefined)).toBeUndefined();
  });

  it('rejects tokens it did not issue', () => {
    expect(() => decodeCursor('not-a-cursor')).toThrow(/cursor/);
    expect(() => decodeCursor(Buffer.from('{"x":1}').toString('base64url'))).toThrow(/cursor/);
    expect(() => decodeCursor(encodeCursor('SKU\u0000'))).toThrow(/cursor/);
  });

  it('pages with a look-ahead row', () => {
    const rows = ['a', 'b', 'c'];
    const page = toPage(
      rows,
      2,
      (row) => row,
      (items) => items.map((item) => item.toUpperCase()),
    );
    expect(page.items).toEqual(['A', 'B']);
    expect(decodeCursor(page.nextCursor!)).toBe('b');
    expect(
      toPage(
        rows,
        3,
        (row) => row,
        (items) => items,
      ).nextCursor,
    ).toBeNull();
  });
});
