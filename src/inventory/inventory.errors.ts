import { DomainError, ErrorKind } from '../common/errors/domain.error';

export enum InventoryErrorCode {
  InsufficientStock = 'insufficient_stock',
  VersionConflict = 'version_conflict',
  QuantityOutOfRange = 'quantity_out_of_range',
}

export class InsufficientStockError extends DomainError {
  readonly kind = ErrorKind.Conflict;
  readonly code = InventoryErrorCode.InsufficientStock;

  constructor(productId: string, storeId: string, available: number, requested: number) {
    super(
      `Only ${available} unit(s) of ${productId} are available at ${storeId}; ${requested} requested.`,
      {
        productId,
        storeId,
        available,
        requested,
      },
    );
  }
}

export class VersionConflictError extends DomainError {
  readonly kind = ErrorKind.Conflict;
  readonly code = InventoryErrorCode.VersionConflict;

  constructor(
    productId: string,
    storeId: string,
    expectedVersion: number,
    version: number,
    available: number,
  ) {
    super(`The level is at version ${version}, not ${expectedVersion}; re-read it and retry.`, {
      productId,
      storeId,
      expectedVersion,
      version,
      available,
    });
  }
}

export class QuantityOutOfRangeError extends DomainError {
  readonly kind = ErrorKind.Unprocessable;
  readonly code = InventoryErrorCode.QuantityOutOfRange;

  constructor(productId: string, storeId: string, maximum: number) {
    super(`On-hand stock of ${productId} at ${storeId} may not exceed ${maximum}.`, {
      productId,
      storeId,
      maximum,
    });
  }
}
