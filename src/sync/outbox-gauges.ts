import { Injectable } from '@nestjs/common';
import { InjectMetric } from '@willsoto/nestjs-prometheus';
import { Gauge } from 'prom-client';
import { OutboxRepository, OutboxStats } from './outbox.repository';
import { StoreNode } from './store-node';
import { ALLOTMENT_UNITS, OUTBOX_OLDEST_PENDING_SECONDS, OUTBOX_PENDING } from './sync.metrics';

/** The outbox's backlog and the allotment left, read from the database, as gauges. */
@Injectable()
export class OutboxGauges {
  constructor(
    private readonly node: StoreNode,
    private readonly outbox: OutboxRepository,
    @InjectMetric(OUTBOX_PENDING) private readonly pending: Gauge<'store_id'>,
    @InjectMetric(OUTBOX_OLDEST_PENDING_SECONDS) private readonly oldest: Gauge<'store_id'>,
    @InjectMetric(ALLOTMENT_UNITS) private readonly allotment: Gauge<'store_id'>,
  ) {}

  /** Reads the figures, sets the gauges, and answers them (sync status shows them too). */
  async refresh(): Promise<{ stats: OutboxStats; allotmentRemaining: number }> {
    const storeId = this.node.storeId;
    const [stats, allotmentRemaining] = await Promise.all([
      this.outbox.stats(),
      this.outbox.totalRemaining(storeId),
    ]);
    const labels = { store_id: storeId };
    this.pending.set(labels, stats.pending);
    this.oldest.set(labels, ageSeconds(stats.oldestPendingAt) ?? 0);
    this.allotment.set(labels, allotmentRemaining);
    return { stats, allotmentRemaining };
  }
}

export function ageSeconds(since: Date | null): number | null {
  return since && (Date.now() - since.getTime()) / 1000;
}
