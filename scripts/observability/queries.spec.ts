import { selectorsOf, withVariables } from './queries';

describe('selectorsOf', () => {
  it('finds the metrics and the labels they match on, not functions, clauses or variables', () => {
    expect(
      selectorsOf(
        'histogram_quantile(0.99, sum by (le, route) (rate(http_request_duration_seconds_bucket{job="central", status=~"5.."}[$__rate_interval])))',
      ),
    ).toEqual([{ metric: 'http_request_duration_seconds_bucket', labels: ['job', 'status'] }]);
  });

  it('reads both sides of a binary operation and ignores offsets, numbers and strings', () => {
    expect(
      selectorsOf(
        'inventory_feed_head_offset - on (job) group_left max(store_replica_applied_offset{store_id="$store"} offset 5m) > 1e3 or label_replace(up, "a", "b", "", "")',
      ),
    ).toEqual([
      { metric: 'inventory_feed_head_offset', labels: [] },
      { metric: 'store_replica_applied_offset', labels: ['store_id'] },
      { metric: 'up', labels: [] },
    ]);
  });

  it('reads the metric of a label_values variable query', () => {
    expect(selectorsOf('label_values(store_replica_lag_events, store_id)')).toEqual([
      { metric: 'store_replica_lag_events', labels: [] },
    ]);
  });
});

describe('withVariables', () => {
  it('gives Grafana’s interval variables and the template variables a value', () => {
    expect(withVariables('rate(x{store_id="$store"}[$__rate_interval])', { store: 's1' })).toBe(
      'rate(x{store_id="s1"}[1m])',
    );
  });
});
