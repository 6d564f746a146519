import { DomainError, ErrorKind } from '../common/errors/domain.error';

export enum InventoryErrorCode {
  InsufficientStock = 'insufficient_stock',
  VersionConflict = 'version_conflict',
  QuantityOutOfRange = 'quantity_out_of_range',
  InsufficientAllotment = 'insufficient_allotment',
  InvalidOutboxEntry = 'invalid_outbox_entry',
}

/** A release (or an allotment use) of more units than the store's allotment holds. */
export class InsufficientAllotmentError extends DomainError {
  readonly kind = ErrorKind.Conflict;
  readonly code = InventoryErrorCode.InsufficientAllotment;

  constructor(productId: string, storeId: string, allotment: number, requested: number) {
    super(
      `The allotment of ${productId} at ${storeId} holds ${allotment} unit(s); ${requested} requested.`,
      { productId, storeId, allotment, requested },
    );
  }
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

/** An outbox entry whose kind and deltas do not describe an allotment use or a release. */
export class InvalidOutboxEntryError extends DomainError {
  readonly kind = ErrorKind.Unprocessable;
  readonly code = InventoryErrorCode.InvalidOutboxEntry;

  constructor(entryId: number, kind: string, delta: number, allotmentDelta: number) {
    super(
      `Outbox entry ${entryId} (${kind}, delta ${delta}, allotmentDelta ${allotmentDelta}) is not an allotment use: a sale or damage takes units (delta = allotmentDelta < 0), a receive or return adds them (delta = allotmentDelta > 0), a release gives allotment back (delta 0, allotmentDelta < 0).`,
      { entryId, kind, delta, allotmentDelta },
    );
  }
}
