import { DomainError, ErrorKind } from '../common/errors/domain.error';

export enum CatalogErrorCode {
  ProductAlreadyExists = 'product_already_exists',
  StoreAlreadyExists = 'store_already_exists',
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
