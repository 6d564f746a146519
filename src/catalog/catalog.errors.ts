import { DomainError, ErrorKind } from '../common/errors/domain.error';

export enum CatalogErrorCode {
  ProductNotFound = 'product_not_found',
  StoreNotFound = 'store_not_found',
  ProductAlreadyExists = 'product_already_exists',
  StoreAlreadyExists = 'store_already_exists',
}

export class ProductNotFoundError extends DomainError {
  readonly kind = ErrorKind.NotFound;
  readonly code = CatalogErrorCode.ProductNotFound;

  constructor(productId: string) {
    super(`Product ${productId} does not exist.`, { productId });
  }
}

export class StoreNotFoundError extends DomainError {
  readonly kind = ErrorKind.NotFound;
  readonly code = CatalogErrorCode.StoreNotFound;

  constructor(storeId: string) {
    super(`Store ${storeId} does not exist.`, { storeId });
  }
}

export class ProductAlreadyExistsError extends DomainError {
  readonly kind = ErrorKind.Conflict;
  readonly code = CatalogErrorCode.ProductAlreadyExists;

  constructor(productId: string) {
    super(`Product ${productId} already exists.`, { productId });
  }
}

export class StoreAlreadyExistsError extends DomainError {
  readonly kind = ErrorKind.Conflict;
  readonly code = CatalogErrorCode.StoreAlreadyExists;

  constructor(storeId: string) {
    super(`Store ${storeId} already exists.`, { storeId });
  }
}
