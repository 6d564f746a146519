import { answerOf, type CentralClient } from '../api/clients';
import { Badge, Empty, Panel } from '../ui/parts';
import { useReader } from '../ui/use-reader';

const EVERY_MS = 5000;

/** The limits in force and who uses most of them (no stream announces a request count). */
export function RateLimitPanel(props: { client: CentralClient }) {
  const status = useReader(() => answerOf(props.client.GET('/v1/admin/rate-limit/status')), {
    everyMs: EVERY_MS,
  });
  const value = status.value;
  return (
    <Panel title="Rate limits" error={status.error} testId="rate-limits">
      {value && (
        <>
          <p>
            <Badge tone={value.enabled ? 'ok' : 'low'}>{value.enabled ? 'enforced' : 'off'}</Badge>{' '}
            {value.shared ? 'shared by every instance (Redis)' : 'per instance'}, per{' '}
            {value.windowMs / 1000} s:{' '}
            {Object.entries(value.limits as Record<string, number>)
              .map(([name, limit]) => `${name} ${limit}`)
              .join(', ')}
          </p>
          {value.topClients.length === 0 ? (
            <Empty>No client has used its limit in this window.</Empty>
          ) : (
            <table>
              <thead>
                <tr>
                  <th>Client</th>
                  <th>Limit</th>
                  <th>Hits</th>
                  <th>Resets in</th>
                </tr>
              </thead>
              <tbody>
                {value.topClients.map((usage) => (
                  <tr key={`${usage.client}/${usage.throttler}`}>
                    <td>{usage.client}</td>
                    <td>{usage.throttler}</td>
                    <td>
                      {usage.hits} {usage.blocked && <Badge tone="out">blocked</Badge>}
                    </td>
                    <td>{Math.ceil(usage.resetsInMs / 1000)} s</td>
                  </tr>
                ))}
              </tbody>
            </table>
          )}
        </>
      )}
    </Panel>
  );
}
