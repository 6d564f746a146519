import type { CentralSchemas } from '../api/clients';

/** A store's level of a product, as central's reads answer it (a feed level event carries more). */
export type Level = CentralSchemas['StoreLevelDto'];

export interface ProductLevels {
  productId: string;
  levels: Level[];
}

/**
 * The products shown, with a level from the feed merged in: replaced when it is newer than the
 * one shown (a read and the stream race; versions only grow, so the newer one wins whatever order
 * they arrive in), added when the product is shown but the store was not yet. Unchanged products
 * keep their identity, so only what changed is drawn again.
 */
export function mergeLevel<P extends ProductLevels>(
  products: P[],
  productId: string,
  from: Level,
): P[] {
  const level = levelOf(from);
  let changed = false;
  const merged = products.map((product) => {
    if (product.productId !== productId) return product;
    const shown = product.levels.find((existing) => existing.storeId === level.storeId);
    if (shown && shown.version >= level.version) return product;
    changed = true;
    const others = product.levels.filter((existing) => existing.storeId !== level.storeId);
    const levels = [...others, level].sort((a, b) => a.storeId.localeCompare(b.storeId));
    return { ...product, levels };
  });
  return changed ? merged : products;
}

/** Only a level's own fields: a feed payload also carries the change that made it. */
const levelOf = (level: Level): Level => ({
  storeId: level.storeId,
  onHand: level.onHand,
  reserved: level.reserved,
  available: level.available,
  allotment: level.allotment,
  onlineAvailable: level.onlineAvailable,
  version: level.version,
  updatedAt: level.updatedAt,
});
