import { Injectable, Logger, OnApplicationShutdown, OnModuleInit } from '@nestjs/common';
import { Interval } from '@nestjs/schedule';
import { InjectMetric } from '@willsoto/nestjs-prometheus';
import { Counter, Gauge } from 'prom-client';
import { DataSource, EntitySubscriberInterface, TransactionCommitEvent } from 'typeorm';
import { hasAppendedEvents } from './events-appended';
import { EVENTS_SEQUENCED, FEED_HEAD, FEED_UNSEQUENCED_AGE } from './events.metrics';
import { EventsRepository } from './events.repository';
import { FeedWaiters } from './feed-waiters';

const BATCH_SIZE = 5000;
/** Catches events whose writer died between commit and wake-up, or committed on another instance. */
const SAFETY_TICK_MS = 250;

/**
 * Gives committed events their feed offsets. Woken right after every transaction that appended
 * events commits (TypeORM's afterTransactionCommit), and by a safety tick. Wake-ups that arrive
 * during a round coalesce into one more round, so under load rounds batch many events.
 */
@Injectable()
export class EventSequencer
  implements EntitySubscriberInterface, OnModuleInit, OnApplicationShutdown
{
  private readonly logger = new Logger(EventSequencer.name);
  private running?: Promise<void>;
  private wakeAgain = false;
  private stopped = false;

  constructor(
    private readonly dataSource: DataSource,
    private readonly events: EventsRepository,
    private readonly waiters: FeedWaiters,
    @InjectMetric(EVENTS_SEQUENCED) private readonly sequenced: Counter,
    @InjectMetric(FEED_HEAD) private readonly headGauge: Gauge,
    @InjectMetric(FEED_UNSEQUENCED_AGE) private readonly unsequencedAge: Gauge,
  ) {}

  onModuleInit(): void {
    this.dataSource.subscribers.push(this);
    this.wake();
  }

  afterTransactionCommit(event: TransactionCommitEvent): void {
    if (hasAppendedEvents(event.queryRunner.data)) this.wake();
  }

  @Interval(SAFETY_TICK_MS)
  tick(): void {
    this.wake();
  }

  wake(): void {
    if (this.stopped) return;
    if (this.running) {
      this.wakeAgain = true;
      return;
    }
    this.running = this.drain().finally(() => (this.running = undefined));
  }

  /** Resolves once everything committed before the call has an offset (tests and shutdown). */
  async settle(): Promise<void> {
    while (this.running) await this.running;
    await this.drain();
  }

  async onApplicationShutdown(): Promise<void> {
    this.stopped = true;
    await this.running;
  }

  private async drain(): Promise<void> {
    try {
      let round: { head: number; stamped: number };
      do {
        this.wakeAgain = false;
        round = await this.events.sequenceRound(BATCH_SIZE);
        if (round.stamped > 0) this.sequenced.inc(round.stamped);
        this.headGauge.set(round.head);
        // Committed: this process's polls need not wait for NOTIFY, and a listener that misses
        // notifications leaves the heard head (and so the feed's tail) at most a tick behind.
        this.waiters.headAdvanced(round.head);
      } while ((round.stamped === BATCH_SIZE || this.wakeAgain) && !this.stopped);
    } catch (error) {
      // The next wake-up or tick retries; nothing is lost because events wait in the table.
      if (!this.stopped) this.logger.error({ err: error }, 'Sequencer round failed');
    }
  }

  @Interval(5000)
  async reportStall(): Promise<void> {
    if (this.stopped) return;
    this.unsequencedAge.set(await this.events.oldestUnsequencedAgeSeconds());
  }
}
