import { CircuitState } from 'cockatiel';
import { loadConfig } from '../config/config.loader';
import { CentralCircuit, circuitStateName } from './central-circuit';
import { StoreNode } from './store-node';
import { CentralRejectedError, CentralUnavailableError, UnavailableReason } from './sync.errors';

const configOf = (env: Record<string, string> = {}) =>
  loadConfig({
    MODE: 'store',
    STORE_ID: 'store-s1',
    CENTRAL_URL: 'http://127.0.0.1:1',
    CENTRAL_API_KEY: 'k',
    FORWARD_MAX_RETRIES: '1',
    CIRCUIT_BREAKER_THRESHOLD: '3',
    CIRCUIT_HALF_OPEN_AFTER: '60s',
    ...env,
  });
const unreachable = () =>
  new CentralUnavailableError(UnavailableReason.Unreachable, 'connection refused');

function circuit(env: Record<string, string> = {}) {
  const config = configOf(env);
  const retries = { inc: jest.fn() };
  const gauge = { set: jest.fn() };
  return {
    circuit: new CentralCircuit(
      config,
      StoreNode.fromConfig(config),
      retries as never,
      gauge as never,
    ),
    retries,
    gauge,
  };
}

describe('CentralCircuit', () => {
  it('retries a transient failure and counts the retry', async () => {
    const { circuit: subject, retries } = circuit();
    const write = jest.fn().mockRejectedValueOnce(unreachable()).mockResolvedValueOnce('ok');
    await expect(subject.execute(write)).resolves.toBe('ok');
    expect(write).toHaveBeenCalledTimes(2);
    expect(retries.inc).toHaveBeenCalledWith({ store_id: 'store-s1' });
  });

  it('neither retries nor counts a refusal by central', async () => {
    const { circuit: subject } = circuit();
    const refusal = new CentralRejectedError(409, { code: 'insufficient_stock', detail: 'short' });
    for (let i = 0; i < 5; i++) {
      const write = jest.fn().mockRejectedValue(refusal);
      await expect(subject.execute(write)).rejects.toBe(refusal);
      expect(write).toHaveBeenCalledTimes(1);
    }
    expect(subject.state).toBe('closed');
  });

  it('opens after consecutive failures and then refuses without calling central', async () => {
    const { circuit: subject, gauge } = circuit();
    const failing = jest.fn().mockRejectedValue(unreachable());
    await expect(subject.execute(failing)).rejects.toMatchObject({ reason: 'unreachable' });
    await expect(subject.execute(failing)).rejects.toMatchObject({ reason: 'circuit_open' });
    expect(failing).toHaveBeenCalledTimes(3);
    expect(subject.state).toBe('open');
    expect(gauge.set).toHaveBeenLastCalledWith({ store_id: 'store-s1' }, 2);

    const next = jest.fn();
    await expect(subject.execute(next)).rejects.toMatchObject({
      code: 'central_unavailable',
      reason: 'circuit_open',
    });
    expect(next).not.toHaveBeenCalled();
  });

  it('does not count a 500, an answer about one request, against central', async () => {
    const { circuit: subject } = circuit();
    const failure = new CentralUnavailableError(
      UnavailableReason.ServerError,
      'central answered 500',
      true,
      500,
    );
    for (let i = 0; i < 5; i++) {
      const attempts = { mayHaveApplied: false };
      await expect(subject.execute(jest.fn().mockRejectedValue(failure), attempts)).rejects.toBe(
        failure,
      );
      // Sent and not definitely refused: the caller must not be told "not applied".
      expect(attempts.mayHaveApplied).toBe(true);
    }
    expect(subject.state).toBe('closed');
  });

  it('asks again while central still runs the first attempt, and knows it may have applied', async () => {
    const { circuit: subject } = circuit();
    const inFlight = new CentralRejectedError(409, {
      code: 'idempotency_in_flight',
      detail: 'still running',
    });
    const attempts = { mayHaveApplied: false };
    const write = jest.fn().mockRejectedValueOnce(inFlight).mockResolvedValueOnce('replayed');
    await expect(subject.execute(write, attempts)).resolves.toBe('replayed');
    expect(write).toHaveBeenCalledTimes(2);
    expect(attempts.mayHaveApplied).toBe(true);
    expect(subject.state).toBe('closed');
  });

  it('knows a write that never left cannot have been applied', async () => {
    const { circuit: subject } = circuit();
    const attempts = { mayHaveApplied: false };
    await expect(
      subject.execute(jest.fn().mockRejectedValue(unreachable()), attempts),
    ).rejects.toMatchObject({ reason: 'unreachable' });
    expect(attempts.mayHaveApplied).toBe(false);
  });

  it('starts no attempt after the deadline', async () => {
    const { circuit: subject } = circuit({ FORWARD_MAX_RETRIES: '10', FORWARD_DEADLINE: '100ms' });
    const timedOut = new CentralUnavailableError(UnavailableReason.Timeout, 'no answer', true);
    const write = jest.fn(async () => {
      await new Promise((resolve) => setTimeout(resolve, 60));
      throw timedOut;
    });
    await expect(subject.execute(write)).rejects.toBe(timedOut);
    // The second attempt ends after the deadline, so no third one starts.
    expect(write).toHaveBeenCalledTimes(2);
  });

  it('names the states as the status and the gauge report them', () => {
    expect(circuitStateName(CircuitState.Closed)).toBe('closed');
    expect(circuitStateName(CircuitState.HalfOpen)).toBe('half-open');
    expect(circuitStateName(CircuitState.Open)).toBe('open');
    expect(circuitStateName(CircuitState.Isolated)).toBe('open');
  });
});
