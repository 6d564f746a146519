import { Injectable, Logger } from '@nestjs/common';
import { InjectMetric } from '@willsoto/nestjs-prometheus';
import {
  circuitBreaker,
  CircuitBreakerPolicy,
  CircuitState,
  ConsecutiveBreaker,
  ExponentialBackoff,
  handleWhen,
  IPolicy,
  isBrokenCircuitError,
  retry,
  wrap,
} from 'cockatiel';
import { Counter, Gauge } from 'prom-client';
import { AppConfig } from '../config/app-config';
import { StoreNode } from './store-node';
import { CENTRAL_CIRCUIT_STATE, FORWARDED_WRITE_RETRIES } from './sync.metrics';
import { CentralUnavailableError, UnavailableReason } from './sync.errors';

export type CircuitStateName = 'closed' | 'half-open' | 'open';

/** Retries of one write stay short: the caller is waiting. */
const RETRY_INITIAL_DELAY_MS = 100;
const RETRY_MAX_DELAY_MS = 1000;

export function circuitStateName(state: CircuitState): CircuitStateName {
  switch (state) {
    case CircuitState.Closed:
      return 'closed';
    case CircuitState.HalfOpen:
      return 'half-open';
    case CircuitState.Open:
    case CircuitState.Isolated:
      return 'open';
  }
}

const GAUGE_VALUE: Record<CircuitStateName, number> = { closed: 0, 'half-open': 1, open: 2 };

/** Network errors, timeouts and 5xx: worth another attempt, and evidence that central is down. */
function isTransient(error: Error): boolean {
  return error instanceof CentralUnavailableError && error.transient;
}

/**
 * Resilience for writes forwarded to central (cockatiel): a few retries with jittered backoff,
 * inside a circuit breaker that opens after consecutive failures so that, while central is
 * down, writes are refused at once instead of each waiting out its timeouts. Refusals by
 * central (4xx) are answers, not failures: they are neither retried nor counted.
 */
@Injectable()
export class CentralCircuit {
  private readonly logger = new Logger(CentralCircuit.name);
  private readonly breaker: CircuitBreakerPolicy;
  private readonly policy: IPolicy;

  constructor(
    config: AppConfig,
    node: StoreNode,
    @InjectMetric(FORWARDED_WRITE_RETRIES) retries: Counter<'store_id'>,
    @InjectMetric(CENTRAL_CIRCUIT_STATE) stateGauge: Gauge<'store_id'>,
  ) {
    const labels = { store_id: node.storeId };
    this.breaker = circuitBreaker(handleWhen(isTransient), {
      halfOpenAfter: config.circuitHalfOpenAfterMs,
      breaker: new ConsecutiveBreaker(config.circuitBreakerThreshold),
    });
    const retrying = retry(handleWhen(isTransient), {
      maxAttempts: config.forwardMaxRetries,
      backoff: new ExponentialBackoff({
        initialDelay: RETRY_INITIAL_DELAY_MS,
        maxDelay: RETRY_MAX_DELAY_MS,
      }),
    });
    retrying.onRetry(() => retries.inc(labels));
    stateGauge.set(labels, GAUGE_VALUE.closed);
    this.breaker.onStateChange((state) => {
      const name = circuitStateName(state);
      stateGauge.set(labels, GAUGE_VALUE[name]);
      this.logger.log(`Circuit to central is ${name}`);
    });
    // The breaker sits inside the retry, so every attempt counts and an open circuit stops retrying.
    this.policy = wrap(retrying, this.breaker);
  }

  get state(): CircuitStateName {
    return circuitStateName(this.breaker.state);
  }

  /** Runs the write with retries; answers central_unavailable at once while the circuit is open. */
  async execute<T>(write: () => Promise<T>): Promise<T> {
    try {
      return await this.policy.execute(write);
    } catch (error) {
      if (isBrokenCircuitError(error)) {
        throw new CentralUnavailableError(
          UnavailableReason.CircuitOpen,
          'recent writes to central failed; refusing writes until it recovers',
        );
      }
      throw error;
    }
  }
}
