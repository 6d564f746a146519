/** Products and stores as both sides see them. */

export interface Product {
  productId: string;
  name: string;
  /** Exact decimal as a string (see PRICE_PATTERN). */
  price: string;
  version: number;
  createdAt: string;
  updatedAt: string;
}

export interface Store {
  storeId: string;
  name: string;
  createdAt: string;
}
