import { makeCounterProvider, makeGaugeProvider } from '@willsoto/nestjs-prometheus';

export const EVENTS_SEQUENCED = 'inventory_feed_events_appended_total';
export const FEED_WAITERS = 'inventory_feed_waiters';
export const FEED_HEAD = 'inventory_feed_head_offset';
export const FEED_UNSEQUENCED_AGE = 'inventory_feed_unsequenced_age_seconds';
export const FEED_TAIL_READS = 'inventory_feed_tail_reads_total';

export const eventsMetricProviders = [
  makeCounterProvider({ name: EVENTS_SEQUENCED, help: 'Events committed and given a feed offset' }),
  makeGaugeProvider({
    name: FEED_WAITERS,
    help: 'Long polls of the event feed waiting in this process',
  }),
  makeGaugeProvider({ name: FEED_HEAD, help: 'Last feed offset handed out' }),
  makeGaugeProvider({
    name: FEED_UNSEQUENCED_AGE,
    help: 'Age of the oldest committed event not yet given an offset (a stalled sequencer shows here)',
  }),
  makeCounterProvider({
    name: FEED_TAIL_READS,
    help: "Feed pages answered from this instance's in-memory tail (hit) or read from the table (miss)",
    labelNames: ['result'],
  }),
];
