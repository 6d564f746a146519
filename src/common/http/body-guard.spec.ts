import { assertSafeBody, MAX_BODY_DEPTH } from './body-guard';

function nestedArrays(depth: number): unknown {
  let value: unknown = [];
  for (let level = 1; level < depth; level++) value = [value];
  return value;
}

const violationOf = (body: unknown) => {
  try {
    assertSafeBody(body);
    return undefined;
  } catch (error) {
    return (error as { errors: unknown }).errors;
  }
};

describe('assertSafeBody', () => {
  it('lets ordinary bodies through, up to the depth bound', () => {
    expect(violationOf({ storeId: 's', updates: [{ note: 'a', delta: 1 }] })).toBeUndefined();
    expect(violationOf({ deep: nestedArrays(MAX_BODY_DEPTH - 1) })).toBeUndefined();
    expect(violationOf(undefined)).toBeUndefined();
  });

  it('refuses nesting past the bound without recursing, however deep', () => {
    const refusal = [{ field: 'body', messages: [expect.stringMatching(/nest deeper/)] }];
    expect(violationOf({ deep: nestedArrays(MAX_BODY_DEPTH) })).toEqual(refusal);
    expect(violationOf(nestedArrays(200_000))).toEqual(refusal);
  });

  it('names the field holding a NUL, in values and in field names', () => {
    expect(violationOf({ updates: [{ note: 'a\u0000' }] })).toEqual([
      { field: 'updates.0.note', messages: [expect.stringMatching(/NUL/)] },
    ]);
    expect(violationOf({ product: { 'na\u0000me': 'x' } })).toEqual([
      { field: 'product', messages: [expect.stringMatching(/NUL/)] },
    ]);
    expect(violationOf('\u0000')).toEqual([{ field: 'body', messages: [expect.any(String)] }]);
  });
});
