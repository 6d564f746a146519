import { useState } from 'preact/hooks';
import { answerOf, type CentralClient, type CentralSchemas } from '../api/clients';
import { EventType, type FeedEvent } from '../../../src/contract';
import { mergeLevel } from '../lib/levels';
import { type Channel, useChannel } from '../ui/channel';
import { Empty, Panel } from '../ui/parts';
import { useReader } from '../ui/use-reader';

type Product = CentralSchemas['ProductInventoryDto'];

/** Products read per page; the search looks through what is loaded, and asks for an exact id. */
const PAGE = 100;
const SHOWN = 6;

/** Every store's level of the products found, kept current by the feed's level events. */
export function LevelsPanel(props: { client: CentralClient; feed: Channel<FeedEvent> }) {
  const [query, setQuery] = useState('');
  const [products, setProducts] = useState<Product[]>([]);
  const [more, setMore] = useState<string | null>(null);
  const firstPage = useReader(async () => {
    const page = await answerOf(
      props.client.GET('/v1/inventory', { params: { query: { limit: PAGE } } }),
    );
    setProducts(page.items);
    setMore(page.nextCursor);
    return page;
  });

  useChannel(props.feed, (event) => {
    if (event.type !== EventType.StockLevelChanged || !event.productId) return;
    setProducts((shown) => mergeLevel(shown, event.data.productId, event.data));
  });

  const loadMore = async () => {
    if (!more) return;
    const page = await answerOf(
      props.client.GET('/v1/inventory', { params: { query: { limit: PAGE, cursor: more } } }),
    );
    setProducts((shown) => [...shown, ...page.items]);
    setMore(page.nextCursor);
  };

  /** An id not loaded yet is asked for: the search finds any product by its exact id. */
  const findExact = async (productId: string) => {
    if (products.some((product) => product.productId === productId)) return;
    const { data } = await props.client.GET('/v1/inventory/{productId}', {
      params: { path: { productId } },
    });
    if (data) setProducts((shown) => [data, ...shown]);
  };

  const needle = query.trim().toLowerCase();
  const found = products
    .filter(
      (product) =>
        !needle ||
        product.productId.toLowerCase().includes(needle) ||
        product.name.toLowerCase().includes(needle),
    )
    .slice(0, SHOWN);
  return (
    <Panel
      title="Levels"
      error={firstPage.error}
      testId="levels"
      aside={
        <form
          class="search"
          onSubmit={(event) => {
            event.preventDefault();
            if (query.trim()) void findExact(query.trim());
          }}
        >
          <input
            type="search"
            name="product-search"
            placeholder="Product id or name"
            value={query}
            onInput={(event) => setQuery(event.currentTarget.value)}
          />
          {more && (
            <button type="button" onClick={() => void loadMore()}>
              Load {PAGE} more ({products.length} loaded)
            </button>
          )}
        </form>
      }
    >
      {found.length === 0 ? (
        <Empty>No product matches; Enter looks an exact id up.</Empty>
      ) : (
        <table class="levels">
          <thead>
            <tr>
              <th>Product</th>
              <th>Store</th>
              <th>On hand</th>
              <th>Reserved</th>
              <th>Allotment</th>
              <th>Online available</th>
              <th>Version</th>
            </tr>
          </thead>
          {found.map((product) => (
            <tbody key={product.productId} data-product={product.productId}>
              {product.levels.map((level, index) => (
                // Keyed by version too: a changed row is drawn anew, and flashes.
                <tr
                  key={`${level.storeId}@${level.version}`}
                  class="changed"
                  data-store={level.storeId}
                >
                  {index === 0 && (
                    <th rowSpan={product.levels.length} scope="rowgroup">
                      {product.productId}
                      <span class="muted">{product.name}</span>
                    </th>
                  )}
                  <td>{level.storeId}</td>
                  <td data-field="onHand">{level.onHand}</td>
                  <td>{level.reserved}</td>
                  <td>{level.allotment}</td>
                  <td data-field="onlineAvailable">{level.onlineAvailable}</td>
                  <td data-field="version">{level.version}</td>
                </tr>
              ))}
            </tbody>
          ))}
        </table>
      )}
    </Panel>
  );
}
