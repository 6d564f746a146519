import { answerOf, type CentralClient } from '../api/clients';
import { EventType } from '../../../src/contract';
import { useChannel } from '../ui/channel';
import { Empty, Panel } from '../ui/parts';
import { useReader } from '../ui/use-reader';
import type { CentralChannels } from './central-console';

/** Holds in force, newest first; read again whenever the feed shows reserved units moving. */
export function ReservationsPanel(props: { client: CentralClient; channels: CentralChannels }) {
  const active = useReader(() =>
    answerOf(
      props.client.GET('/v1/reservations', { params: { query: { status: 'active', limit: 20 } } }),
    ),
  );
  useChannel(props.channels.resync, active.reload);
  useChannel(props.channels.feed, (event) => {
    if (event.type === EventType.StockLevelChanged && event.data.reservedDelta !== 0)
      active.reload();
  });
  const items = active.value?.items ?? [];
  return (
    <Panel title="Active reservations" error={active.error} testId="reservations">
      {items.length === 0 ? (
        <Empty>No active holds.</Empty>
      ) : (
        <table>
          <thead>
            <tr>
              <th>Reservation</th>
              <th>Store</th>
              <th>Items</th>
              <th>Reference</th>
              <th>Expires</th>
            </tr>
          </thead>
          <tbody>
            {items.map((reservation) => (
              <tr key={reservation.reservationId}>
                <td>
                  <code>{reservation.reservationId.slice(0, 8)}</code>
                </td>
                <td>{reservation.storeId}</td>
                <td>
                  {reservation.items
                    .map((item) => `${item.quantity} × ${item.productId}`)
                    .join(', ')}
                </td>
                <td>{reservation.reference ?? '–'}</td>
                <td>{new Date(reservation.expiresAt).toLocaleTimeString()}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </Panel>
  );
}
