import { Injectable, Logger } from '@nestjs/common';
import { InjectMetric } from '@willsoto/nestjs-prometheus';
import {
  circuitBreaker,
  CircuitBreakerPolicy,
  CircuitState,
  ConsecutiveBreaker,
  ExponentialBackoff,
  handleWhen,
  isBrokenCircuitError,
  retry,
  wrap,
} from 'cockatiel';
import { Counter, Gauge } from 'prom-client';
import { AppConfig } from '../config/app-config';
import { StoreNode } from './store-node';
import { CENTRAL_CIRCUIT_STATE, FORWARDED_WRITE_RETRIES } from './sync.metrics';
import { CentralRejectedError, CentralUnavailableError, UnavailableReason } from './sync.errors';
import { IdempotencyErrorCode } from '../idempotency/idempotency.errors';

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

const IN_FLIGHT: string = IdempotencyErrorCode.InFlight;

/** Central is still running an earlier attempt with this key: ask again shortly. */
function isInFlightAtCentral(error: Error): boolean {
  return error instanceof CentralRejectedError && error.code === IN_FLIGHT;
}

/** Network errors, timeouts, 5xx and a still-running first attempt: worth another attempt. */
function isRetryable(error: Error): boolean {
  return (
    (error instanceof CentralUnavailableError && error.transient) || isInFlightAtCentral(error)
  );
}

/** Evidence about central's health, not about one request (see CentralUnavailableError). */
function isCentralUnwell(error: Error): boolean {
  return error instanceof CentralUnavailableError && error.centralUnwell;
}

/** The attempt may have been applied at central: sent, and no definite answer came back. */
function mayHaveApplied(error: Error): boolean {
  return (
    (error instanceof CentralUnavailableError && error.outcomeUnknown) || isInFlightAtCentral(error)
  );
}

/** What the attempts of one forwarded write learnt, for the caller to tell its outcome. */
export interface ForwardAttempts {
  /** Some attempt may have been applied at central, so a final failure is not a "not applied". */
  mayHaveApplied: boolean;
}

/**
 * Resilience for writes forwarded to central (cockatiel): a few retries with jittered backoff,
 * none started after the write's deadline, inside a circuit breaker that opens after
 * consecutive failures so that, while central is down, writes are refused at once instead of
 * each waiting out its timeouts. Refusals by central (4xx) are answers, not failures: they are
 * neither retried nor counted; nor is a 500, which is about one request, not central's health
 * (so no caller's payload can close the store for the others).
 */
@Injectable()
export class CentralCircuit {
  private readonly logger = new Logger(CentralCircuit.name);
  private readonly breaker: CircuitBreakerPolicy;

  private readonly labels: { store_id: string };

  constructor(
    private readonly config: AppConfig,
    node: StoreNode,
    @InjectMetric(FORWARDED_WRITE_RETRIES) private readonly retries: Counter<'store_id'>,
    @InjectMetric(CENTRAL_CIRCUIT_STATE) stateGauge: Gauge<'store_id'>,
  ) {
    this.labels = { store_id: node.storeId };
    this.breaker = circuitBreaker(handleWhen(isCentralUnwell), {
      halfOpenAfter: config.circuitHalfOpenAfterMs,
      breaker: new ConsecutiveBreaker(config.circuitBreakerThreshold),
    });
    stateGauge.set(this.labels, GAUGE_VALUE.closed);
    this.retries.inc(this.labels, 0); // the series exists before the first retry: 0, not no data
    this.breaker.onStateChange((state) => {
      const name = circuitStateName(state);
      stateGauge.set(this.labels, GAUGE_VALUE[name]);
      this.logger.log(`Circuit to central is ${name}`);
    });
  }

  get state(): CircuitStateName {
    return circuitStateName(this.breaker.state);
  }

  /**
   * Runs the write with retries until it succeeds, fails for good or the deadline passes;
   * answers central_unavailable at once while the circuit is open. `attempts` learns whether
   * any attempt may have been applied.
   */
  async execute<T>(
    write: () => Promise<T>,
    attempts: ForwardAttempts = { mayHaveApplied: false },
  ): Promise<T> {
    const deadline = Date.now() + this.config.forwardDeadlineMs;
    const retrying = retry(
      handleWhen((error) => isRetryable(error) && Date.now() < deadline),
      {
        maxAttempts: this.config.forwardMaxRetries,
        backoff: new ExponentialBackoff({
          initialDelay: RETRY_INITIAL_DELAY_MS,
          maxDelay: RETRY_MAX_DELAY_MS,
        }),
      },
    );
    retrying.onRetry(() => this.retries.inc(this.labels));
    retrying.onFailure(({ reason }) => {
      if ('error' in reason && mayHaveApplied(reason.error)) attempts.mayHaveApplied = true;
    });
    try {
      // The breaker sits inside the retry, so every attempt counts and an open circuit stops retrying.
      return await wrap(retrying, this.breaker).execute(write);
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
