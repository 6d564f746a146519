import fc from 'fast-check';

/** Strings that have broken parsers, databases and URL routers before. */
const NASTY_STRINGS = [
  '',
  ' ',
  '\u0000',
  'a\u0000b',
  '%ZZ',
  '%00',
  '1e21',
  '9223372036854775807',
  '100000000000000000000',
  '-1',
  '0x1F',
  'NaN',
  'null',
  '[]',
  '{}',
  '../../etc/passwd',
  "'; DROP TABLE stock_levels; --",
  '\u202e\ud83d\ude00',
  'x'.repeat(3000),
];

export const hostileString = fc.oneof(
  fc.constantFrom(...NASTY_STRINGS),
  fc.string({ maxLength: 40 }),
  fc.string({ unit: 'binary', maxLength: 40 }),
);

/** JSON values of every type, awkward numbers included. */
export const hostileValue: fc.Arbitrary<unknown> = fc.oneof(
  hostileString,
  fc.constantFrom(0, -1, 1e21, -1e21, 2 ** 31, 2 ** 53 + 2, 0.5, true, false, null),
  fc.integer(),
  fc.array(fc.jsonValue({ maxDepth: 2 }), { maxLength: 4 }),
  fc.jsonValue({ maxDepth: 3 }),
);

/** A body as the raw text a client sends, malformed JSON and absurd nesting included. */
export function hostileBody(example?: Record<string, unknown>): fc.Arbitrary<string> {
  const raw = fc.oneof(
    fc.constantFrom(
      '',
      '{',
      '{"a":',
      'null',
      '[]',
      '"text"',
      '{"updates":[[[]]]}',
      '{"products":[[[]]]}',
    ),
    fc.integer({ min: 1000, max: 20_000 }).map((depth) => '['.repeat(depth) + ']'.repeat(depth)),
    fc
      .integer({ min: 1000, max: 20_000 })
      .map((depth) => '{"a":'.repeat(depth) + '1' + '}'.repeat(depth)),
    fc.jsonValue({ maxDepth: 4 }).map((value) => JSON.stringify(value)),
  );
  if (!example) return raw;
  return fc.oneof(
    raw,
    mutated(example).map((body) => JSON.stringify(body)),
  );
}

/** A valid body with one field made wrong, one field added, or an item list blown up. */
function mutated(example: Record<string, unknown>): fc.Arbitrary<unknown> {
  const fields = Object.keys(example);
  return fc.oneof(
    fc
      .tuple(fc.constantFrom(...fields), hostileValue)
      .map(([field, value]) => ({ ...example, [field]: value })),
    fc
      .tuple(hostileString, hostileValue)
      .map(([field, value]) => ({ ...example, [field || 'extra']: value })),
    fc.constantFrom(...fields).map((field) => {
      const { [field]: _dropped, ...rest } = example;
      return rest;
    }),
    fc.integer({ min: 0, max: 20_000 }).map((count) => explode(example, count)),
  );
}

/** Repeats the first item of every array field `count` times (item caps, CPU amplification). */
function explode(example: Record<string, unknown>, count: number): Record<string, unknown> {
  return Object.fromEntries(
    Object.entries(example).map(([field, value]) => [
      field,
      Array.isArray(value) && value.length > 0
        ? Array.from({ length: count }, () => value[0])
        : value,
    ]),
  );
}
