import { DomainError, ErrorKind } from './domain.error';

/**
 * Unknown catalog ids. Shared because both sides answer them with the same code: central from
 * its catalog, a store from its replica of it.
 */
export enum NotFoundErrorCode {
  ProductNotFound = 'product_not_found',
  StoreNotFound = 'store_not_found',
}

export class ProductNotFoundError extends DomainError {
  readonly kind = ErrorKind.NotFound;
  readonly code = NotFoundErrorCode.ProductNotFound;

  constructor(productId: string) {
    super(`Product ${productId} does not exist.`, { productId });
  }
}

export class StoreNotFoundError extends DomainError {
  readonly kind = ErrorKind.NotFound;
  readonly code = NotFoundErrorCode.StoreNotFound;

  constructor(storeId: string) {
    super(`Store ${storeId} does not exist.`, { storeId });
  }
}
