import { DomainError, ErrorKind } from '../common/errors/domain.error';

export enum StoresErrorCode {
  StoreOffline = 'store_offline',
}

export class StoreOfflineError extends DomainError {
  readonly kind = ErrorKind.Unavailable;
  readonly code = StoresErrorCode.StoreOffline;

  constructor(storeId: string, lastHeartbeatAt: Date | null) {
    super(
      `Store ${storeId} is offline, so a sale from its stock could not be fulfilled; try another store or later.`,
      {
        storeId,
        lastHeartbeatAt: lastHeartbeatAt?.toISOString() ?? null,
      },
    );
  }
}
