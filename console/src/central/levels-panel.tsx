import { useState } from 'preact/hooks';
import { answerOf, type CentralClient, type CentralSchemas, problemText } from '../api/clients';
import { EventType } from '../../../src/contract';
import { mergeLevel } from '../lib/levels';
import { useChannel } from '../ui/channel';
import { Empty, Panel } from '../ui/parts';
import { useReader } from '../ui/use-reader';
import { matchingProducts } from '../lib/search';
import type { CentralChannels } from './central-console';

type Product = CentralSchemas['ProductInventoryDto'];

/** Products read at first and per "more" (the API's page is at most 500); then exact ids. */
const PAGE = 100;
const MAX_LISTED = 500;
const SHOWN = 6;

/** Every store's level of the products found, kept current by the feed's level events. */
export function LevelsPanel(props: { client: CentralClient; channels: CentralChannels }) {
  const [query, setQuery] = useState('');
  const [limit, setLimit] = useState(PAGE);
  /** Products looked up by exact id, beyond those listed: read again with the listing. */
  const [exact, setExact] = useState<string[]>([]);
  const [notice, setNotice] = useState<string>();
  const [products, setProducts] = useState<Product[]>([]);
  const listing = useReader(async () => {
    const [page, ...looked] = await Promise.all([
      answerOf(props.client.GET('/v1/inventory', { params: { query: { limit } } })),
      ...exact.map((productId) =>
        answerOf(
          props.client.GET('/v1/inventory/{productId}', { params: { path: { productId } } }),
        ),
      ),
    ]);
    const listed = new Set(page.items.map((product) => product.productId));
    setProducts([...looked.filter((product) => !listed.has(product.productId)), ...page.items]);
    return page;
  });
  useChannel(props.channels.resync, listing.reload);
  useChannel(props.channels.feed, (event) => {
    if (event.type !== EventType.StockLevelChanged) return;
    setProducts((shown) => mergeLevel(shown, event.data.productId, event.data));
  });

  const loadMore = () => {
    setLimit(Math.min(MAX_LISTED, limit + PAGE));
    listing.reload();
  };

  /** An id not listed is asked for: the search finds any product by its exact id. */
  const findExact = async (productId: string) => {
    setNotice(undefined);
    if (products.some((product) => product.productId === productId)) return;
    try {
      const { data, error, response } = await props.client.GET('/v1/inventory/{productId}', {
        params: { path: { productId } },
      });
      if (data) {
        setExact([...exact, productId]);
        setProducts((shown) => [data, ...shown]);
      } else {
        setNotice(
          response.status === 404 ? `No product ${productId}.` : problemText(error, response),
        );
      }
    } catch (error) {
      setNotice(`The lookup failed: ${(error as Error).message}`);
    }
  };

  const matching = matchingProducts(products, query);
  const found = matching.slice(0, SHOWN);
  return (
    <Panel
      title="Levels"
      error={listing.error ?? notice}
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
          {listing.value?.nextCursor && limit < MAX_LISTED && (
            <button type="button" onClick={loadMore}>
              List {PAGE} more
            </button>
          )}
        </form>
      }
    >
      {found.length === 0 ? (
        <Empty>No product listed matches; Enter looks an exact id up.</Empty>
      ) : (
        <>
          <p class="muted">
            {found.length} of {matching.length} matching, of {products.length} listed; Enter looks
            an exact id up.
          </p>
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
        </>
      )}
    </Panel>
  );
}
