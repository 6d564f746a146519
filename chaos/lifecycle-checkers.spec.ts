import { applyLogProblems } from './lifecycle-checkers';

const snapshot = (to: number) => ({
  id: 0,
  kind: 'snapshot' as const,
  from: null,
  to,
  offsets: [],
});
const page = (from: number, offsets: number[], to = offsets.at(-1) ?? from) => ({
  id: 0,
  kind: 'page' as const,
  from,
  to,
  offsets,
});

describe('applyLogProblems', () => {
  it('accepts pages chained on a bootstrap, empty pages and a re-bootstrap that jumps ahead', () => {
    const log = [
      snapshot(5),
      page(5, [6, 7]),
      page(7, []),
      page(7, [8]),
      snapshot(20),
      page(20, [21]),
    ];
    expect(applyLogProblems(log)).toEqual([]);
  });

  it('reports a log that does not begin with a bootstrap', () => {
    expect(applyLogProblems([page(0, [1])])).toEqual([{ log: 'no bootstrap' }]);
  });

  it('reports a gap inside a page, a repeated offset and a page off the chain', () => {
    const gap = page(7, [8, 10]);
    const repeat = page(10, [10, 11]);
    const offChain = page(12, [13]);
    const problems = applyLogProblems([snapshot(5), page(5, [6, 7]), gap, repeat, offChain]);
    expect(problems).toEqual([
      { step: gap, committedBefore: 7 },
      { step: repeat, committedBefore: 10 },
      { step: offChain, committedBefore: 11 },
    ]);
  });
});
