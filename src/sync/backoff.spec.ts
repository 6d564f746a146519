import { Backoff, pause } from './backoff';

describe('Backoff', () => {
  afterEach(() => jest.restoreAllMocks());

  it('grows exponentially up to the cap, and starts over after a success', () => {
    jest.spyOn(Math, 'random').mockReturnValue(0.5);
    const backoff = Backoff.exponential(5000);
    const delays = Array.from({ length: 12 }, () => backoff.nextDelayMs());
    expect(delays[0]).toBeGreaterThan(0);
    expect(delays[0]).toBeLessThan(500);
    for (let i = 1; i < delays.length; i++) {
      expect(delays[i]).toBeGreaterThanOrEqual(Math.min(delays[i - 1], 5000));
    }
    expect(delays[delays.length - 1]).toBe(5000);
    backoff.reset();
    expect(backoff.nextDelayMs()).toBe(delays[0]);
  });

  it('jitters, so stores that failed together do not retry together', () => {
    const first = new Set(
      Array.from({ length: 20 }, () => Backoff.exponential(5000).nextDelayMs()),
    );
    expect(first.size).toBeGreaterThan(1);
  });

  it('never exceeds a small cap', () => {
    const backoff = Backoff.exponential(20);
    for (let i = 0; i < 50; i++) expect(backoff.nextDelayMs()).toBeLessThanOrEqual(20);
  });
});

describe('pause', () => {
  it('ends as soon as the signal aborts', async () => {
    const controller = new AbortController();
    const startedAt = Date.now();
    const waiting = pause(10_000, controller.signal);
    controller.abort();
    await waiting;
    expect(Date.now() - startedAt).toBeLessThan(1000);
  });
});
