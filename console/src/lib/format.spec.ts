import { ago, offlineBadge, seconds, stockBadge } from './format';

describe('format', () => {
  const now = Date.parse('2026-12-01T10:00:00.000Z');

  it('says how long ago, in seconds, minutes or hours', () => {
    expect(ago(null, now)).toBe('never');
    expect(ago('2026-12-01T09:59:57.400Z', now)).toBe('3 s ago');
    expect(ago('2026-12-01T09:57:00.000Z', now)).toBe('3 min ago');
    expect(ago('2026-12-01T07:00:00.000Z', now)).toBe('3 h ago');
    // A clock a little ahead of the page's is not "in the future".
    expect(ago('2026-12-01T10:00:01.000Z', now)).toBe('0 s ago');
  });

  it('badges a level out, low or in stock by what is available', () => {
    expect(stockBadge(0)).toEqual({ tone: 'out', label: 'out of stock' });
    expect(stockBadge(-1).tone).toBe('out');
    expect(stockBadge(5)).toEqual({ tone: 'low', label: 'low: 5' });
    expect(stockBadge(6)).toEqual({ tone: 'ok', label: '6 in stock' });
  });

  it('badges a level by its allotment while the link is cut', () => {
    expect(offlineBadge(0)).toEqual({ tone: 'out', label: 'none to sell offline' });
    expect(offlineBadge(10)).toEqual({ tone: 'low', label: '10 sellable offline' });
  });

  it('shows seconds with a decimal below ten', () => {
    expect(seconds(null)).toBe('–');
    expect(seconds(0.25)).toBe('0.3 s');
    expect(seconds(42.4)).toBe('42 s');
  });
});
