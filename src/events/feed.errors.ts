import { DomainError, ErrorKind } from '../common/errors/domain.error';

export enum FeedErrorCode {
  OffsetExpired = 'offset_expired',
  OffsetAheadOfHead = 'offset_ahead_of_head',
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

/**
 * An offset central never handed out: whoever holds it follows a different feed (central's
 * database was replaced, or the client is confused) and must load the snapshot again.
 */
export class OffsetAheadOfHeadError extends DomainError {
  readonly kind = ErrorKind.Conflict;
  readonly code = FeedErrorCode.OffsetAheadOfHead;

  constructor(offset: number, headOffset: number) {
    super(
      `Offset ${offset} is beyond the feed's head ${headOffset}; bootstrap again from the snapshot.`,
      { offset, headOffset },
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
