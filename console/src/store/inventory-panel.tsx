import { useState } from 'preact/hooks';
import { answerOf, type StoreClient } from '../api/clients';
import type { StoreLevelsChanged } from '../../../src/contract';
import { stockBadge } from '../lib/format';
import { type Channel, useChannel } from '../ui/channel';
import { Badge, Empty, Panel } from '../ui/parts';
import { useReader } from '../ui/use-reader';

/** Levels read at once (the replica answers from memory); the search looks through them. */
const STEP = 100;
const MAX = 500;
const SHOWN = 15;

/** This store's levels from its own replica, read again whenever the store's stream says so. */
export function InventoryPanel(props: {
  client: StoreClient;
  storeId: string;
  changes: Channel<StoreLevelsChanged>;
  onSelect: (productId: string) => void;
}) {
  const [limit, setLimit] = useState(STEP);
  const [query, setQuery] = useState('');
  // The replica holds every store's levels: another store's are a field away.
  const [storeId, setStoreId] = useState(props.storeId);
  const inventory = useReader(() =>
    answerOf(
      props.client.GET('/v1/store/inventory', {
        params: { query: { limit, storeId: storeId.trim() || props.storeId } },
      }),
    ),
  );
  useChannel(props.changes, inventory.reload);

  const needle = query.trim().toLowerCase();
  const levels = (inventory.value?.items ?? [])
    .filter(
      (level) =>
        !needle ||
        level.productId.toLowerCase().includes(needle) ||
        level.name.toLowerCase().includes(needle),
    )
    .slice(0, SHOWN);
  const more = inventory.value?.nextCursor && limit < MAX;
  return (
    <Panel
      title={`Levels of ${storeId.trim() || props.storeId}, from this node’s replica`}
      error={inventory.error}
      testId="inventory"
      aside={
        <div class="search">
          <input
            name="inventory-store"
            aria-label="Store"
            size={10}
            value={storeId}
            onInput={(event) => setStoreId(event.currentTarget.value)}
            onChange={inventory.reload}
          />
          <input
            type="search"
            name="inventory-search"
            placeholder="Product id or name"
            value={query}
            onInput={(event) => setQuery(event.currentTarget.value)}
          />
          {more && (
            <button
              type="button"
              onClick={() => {
                setLimit(limit + STEP);
                inventory.reload();
              }}
            >
              Load {STEP} more
            </button>
          )}
        </div>
      }
    >
      {levels.length === 0 ? (
        <Empty>No product matches among the {inventory.value?.items.length ?? 0} loaded.</Empty>
      ) : (
        <table>
          <thead>
            <tr>
              <th>Product</th>
              <th>Stock</th>
              <th>On hand</th>
              <th>Reserved</th>
              <th>Allotment left</th>
              <th title="The on-hand change sold from the allotment that central has not confirmed yet">
                Pending change
              </th>
              <th>Version</th>
            </tr>
          </thead>
          <tbody>
            {levels.map((level) => {
              const badge = stockBadge(level.available);
              return (
                <tr
                  key={`${level.productId}@${level.version}/${level.pendingQuantity}`}
                  class="changed selectable"
                  data-product={level.productId}
                  onClick={() => props.onSelect(level.productId)}
                >
                  <td>
                    <strong>{level.productId}</strong> <span class="muted">{level.name}</span>
                  </td>
                  <td>
                    <Badge tone={badge.tone}>{badge.label}</Badge>
                  </td>
                  <td data-field="onHand">{level.onHand}</td>
                  <td>{level.reserved}</td>
                  <td data-field="allotmentRemaining">{level.allotmentRemaining}</td>
                  <td data-field="pendingQuantity">{level.pendingQuantity}</td>
                  <td data-field="version">{level.version}</td>
                </tr>
              );
            })}
          </tbody>
        </table>
      )}
    </Panel>
  );
}
