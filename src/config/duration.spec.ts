import { parseDurationMs } from './duration';

describe('parseDurationMs', () => {
  it.each([
    ['250', 250],
    ['250ms', 250],
    ['30s', 30_000],
    ['15m', 900_000],
    ['24h', 86_400_000],
    ['7d', 604_800_000],
  ])('parses %s', (input, expected) => {
    expect(parseDurationMs(input)).toBe(expected);
  });

  it.each(['', 'h', '1.5h', '-1s', '10 parsecs'])('rejects %j', (input) => {
    expect(parseDurationMs(input)).toBeUndefined();
  });
});
