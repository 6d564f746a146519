import { answerOf, type CentralClient } from '../api/clients';
import { EventType, type FeedEvent } from '../../../src/contract';
import { type Channel, useChannel } from '../ui/channel';
import { Empty, Panel } from '../ui/parts';
import { useReader } from '../ui/use-reader';

/** Holds in force, newest first; read again whenever the feed shows reserved units moving. */
export function ReservationsPanel(props: { client: CentralClient; feed: Channel<FeedEvent> }) {
  const active = useReader(() =>
    answerOf(
      props.client.GET('/v1/reservations', { params: { query: { status: 'active', limit: 20 } } }),
    ),
  );
  useChannel(props.feed, (event) => {
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
