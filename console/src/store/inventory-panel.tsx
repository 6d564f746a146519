import { useState } from 'preact/hooks';
import { answerOf, type StoreClient, type StoreSchemas } from '../api/clients';
import type { StoreLevelsChanged } from '../../../src/contract';
import { offlineBadge, stockBadge } from '../lib/format';
import { type Channel, useChannel } from '../ui/channel';
import { Badge, Empty, Panel } from '../ui/parts';
import { useReader } from '../ui/use-reader';
import { matchingProducts } from '../lib/search';

type Level = StoreSchemas['StoreStockLevelDto'];

/** Levels listed at once (the replica answers from memory); beyond them, exact ids. */
const STEP = 100;
const MAX = 500;
const SHOWN = 15;

/** A store's levels from this node's replica, read again whenever the store's stream says so. */
export function InventoryPanel(props: {
  client: StoreClient;
  storeId: string;
  changes: Channel<StoreLevelsChanged>;
  onSelect: (productId: string) => void;
  /** Cut from central, the tills sell only what the allotment covers: the badge says that. */
  linkCut: boolean;
}) {
  const [limit, setLimit] = useState(STEP);
  const [query, setQuery] = useState('');
  // The replica holds every store's levels: another store's are a field away.
  const [storeField, setStoreField] = useState(props.storeId);
  const [shownStore, setShownStore] = useState(props.storeId);
  /** Products looked up by exact id beyond the listing, read again with it. */
  const [exact, setExact] = useState<string[]>([]);
  const [notice, setNotice] = useState<string>();
  const inventory = useReader(async () => {
    const storeId = shownStore;
    const [page, ...looked] = await Promise.all([
      answerOf(props.client.GET('/v1/store/inventory', { params: { query: { limit, storeId } } })),
      ...exact.map((productId) =>
        answerOf(
          props.client.GET('/v1/store/inventory/{productId}', {
            params: { path: { productId }, query: { storeId } },
          }),
        ),
      ),
    ]);
    const listed = new Set(page.items.map((level) => level.productId));
    const levels: Level[] = [
      ...looked.filter((level) => !listed.has(level.productId)),
      ...page.items,
    ];
    return { levels, more: page.nextCursor !== null, storeId };
  });
  useChannel(props.changes, inventory.reload);

  const showStore = () => {
    setShownStore(storeField.trim() || props.storeId);
    setExact([]);
    inventory.reload();
  };

  /** An id not listed is asked for: the search finds any product by its exact id. */
  const findExact = async (productId: string) => {
    setNotice(undefined);
    if (inventory.value?.levels.some((level) => level.productId === productId)) return;
    try {
      const { data, response } = await props.client.GET('/v1/store/inventory/{productId}', {
        params: { path: { productId }, query: { storeId: shownStore } },
      });
      if (data) {
        setExact([...exact, productId]);
        inventory.reload();
      } else {
        setNotice(
          response.status === 404
            ? `No product ${productId} at ${shownStore}.`
            : `HTTP ${response.status}`,
        );
      }
    } catch (error) {
      setNotice(`The lookup failed: ${(error as Error).message}`);
    }
  };

  const all = inventory.value?.levels ?? [];
  const matching = matchingProducts(all, query);
  const levels = matching.slice(0, SHOWN);
  const own = inventory.value?.storeId === props.storeId;
  return (
    <Panel
      title={`Levels of ${inventory.value?.storeId ?? shownStore}, from this node’s replica`}
      error={inventory.error ?? notice}
      testId="inventory"
      aside={
        <form
          class="search"
          onSubmit={(event) => {
            event.preventDefault();
            if (storeField.trim() !== shownStore) showStore();
            else if (query.trim()) void findExact(query.trim());
          }}
        >
          <label>
            Store
            <input
              name="inventory-store"
              value={storeField}
              onInput={(event) => setStoreField(event.currentTarget.value)}
              onChange={showStore}
            />
          </label>
          <input
            type="search"
            name="inventory-search"
            aria-label="Product id or name"
            placeholder="Product id or name"
            value={query}
            onInput={(event) => setQuery(event.currentTarget.value)}
          />
          {inventory.value?.more && limit < MAX && (
            <button
              type="button"
              onClick={() => {
                setLimit(limit + STEP);
                inventory.reload();
              }}
            >
              List {STEP} more
            </button>
          )}
        </form>
      }
    >
      {levels.length === 0 ? (
        <Empty>No product listed matches ({all.length} listed); Enter looks an exact id up.</Empty>
      ) : (
        <table>
          <caption class="muted">
            {levels.length} of {matching.length} matching, of {all.length} listed; Enter looks an
            exact id up{own ? '; pick a product for the till' : ''}.
          </caption>
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
              const badge =
                own && props.linkCut
                  ? offlineBadge(level.allotmentRemaining)
                  : stockBadge(level.available);
              return (
                <tr
                  key={`${level.productId}@${level.version}/${level.pendingQuantity}`}
                  class="changed"
                  data-product={level.productId}
                >
                  <td>
                    {own ? (
                      <button
                        type="button"
                        class="link"
                        onClick={() => props.onSelect(level.productId)}
                      >
                        {level.productId}
                      </button>
                    ) : (
                      <strong>{level.productId}</strong>
                    )}{' '}
                    <span class="muted">{level.name}</span>
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
