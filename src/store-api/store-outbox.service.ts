import { Injectable } from '@nestjs/common';
import { decodeCursor, Page, toPage } from '../common/pagination/cursor';
import type { OutboxEntryState, OutboxEntryView } from '../contract';
import { OutboxRepository } from '../sync/outbox.repository';

export interface OutboxPageRequest {
  limit: number;
  cursor?: string;
  state?: OutboxEntryState;
}

/** Lists the store's outbox for operators. */
@Injectable()
export class StoreOutboxService {
  constructor(private readonly outbox: OutboxRepository) {}

  async page(request: OutboxPageRequest): Promise<Page<OutboxEntryView>> {
    const after = decodeCursor(request.cursor, (key) => /^\d{1,18}$/.test(key));
    const rows = await this.outbox.page(
      request.state,
      after === undefined ? undefined : Number(after),
      request.limit + 1,
    );
    return toPage(
      rows,
      request.limit,
      (row) => String(row.entryId),
      (pageRows) => pageRows,
    );
  }
}
