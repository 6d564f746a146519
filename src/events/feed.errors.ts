import { DomainError, ErrorKind } from '../common/errors/domain.error';

export enum FeedErrorCode {
  OffsetExpired = 'offset_expired',
  SnapshotBusy = 'snapshot_busy',
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

/** Every snapshot slot is taken (SNAPSHOT_MAX_CONCURRENT): a moment later one is likely free. */
export class SnapshotBusyError extends DomainError {
  readonly kind = ErrorKind.Unavailable;
  readonly code = FeedErrorCode.SnapshotBusy;

  constructor(
    maxConcurrent: number,
    override readonly retryAfterSeconds: number,
  ) {
    super(`${maxConcurrent} snapshots are already streaming; retry after ${retryAfterSeconds} s.`, {
      retryAfterSeconds,
    });
  }
}
