import { CircuitState } from 'cockatiel';
import { loadConfig } from '../config/config.loader';
import { CentralCircuit, circuitStateName } from './central-circuit';
import { StoreNode } from './store-node';
import { CentralRejectedError, CentralUnavailableError, UnavailableReason } from './sync.errors';

const config = loadConfig({
  MODE: 'store',
  STORE_ID: 'store-s1',
  CENTRAL_URL: 'http://127.0.0.1:1',
  CENTRAL_API_KEY: 'k',
  FORWARD_MAX_RETRIES: '1',
  CIRCUIT_BREAKER_THRESHOLD: '3',
  CIRCUIT_HALF_OPEN_AFTER: '60s',
});
const unreachable = () =>
  new CentralUnavailableError(UnavailableReason.Unreachable, 'connection refused');

function circuit() {
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

  it('names the states as the status and the gauge report them', () => {
    expect(circuitStateName(CircuitState.Closed)).toBe('closed');
    expect(circuitStateName(CircuitState.HalfOpen)).toBe('half-open');
    expect(circuitStateName(CircuitState.Open)).toBe('open');
    expect(circuitStateName(CircuitState.Isolated)).toBe('open');
  });
});
