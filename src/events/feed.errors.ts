import { DomainError, ErrorKind } from '../common/errors/domain.error';

export enum FeedErrorCode {
  OffsetExpired = 'offset_expired',
}

export class OffsetExpiredError extends DomainError {
  readonly kind = ErrorKind.Gone;
  readonly code = FeedErrorCode.OffsetExpired;

  constructor(offset: number, prunedThrough: number) {
    super(
      `Events after offset ${offset} up to ${prunedThrough} were pruned; bootstrap again from the snapshot.`,
      {
        offset,
        prunedThrough,
      },
    );
  }
}
