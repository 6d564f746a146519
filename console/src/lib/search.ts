/** The items whose product id or name contains the query, ignoring case; all of them for none. */
export function matchingProducts<T extends { productId: string; name: string }>(
  items: T[],
  query: string,
): T[] {
  const needle = query.trim().toLowerCase();
  if (!needle) return items;
  return items.filter(
    (item) =>
      item.productId.toLowerCase().includes(needle) || item.name.toLowerCase().includes(needle),
  );
}
