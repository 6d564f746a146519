import { Injectable } from '@nestjs/common';

/** What a committed transaction changed in what a store's reads show. */
export type ReplicaViewChange = { productIds: string[] } | 'everything';

type Listener = (change: ReplicaViewChange) => Promise<void>;

/**
 * Told after every commit that changes what a local read answers (the replica's stores,
 * products and levels, and the outbox entries reads count), before that write is answered or
 * its offset reported: a listener kept up to date this way (the store's in-memory read model)
 * is as fresh as the database for everyone who saw the write complete.
 */
@Injectable()
export class ReplicaViewChanges {
  private readonly listeners: Listener[] = [];

  subscribe(listener: Listener): void {
    this.listeners.push(listener);
  }

  async committed(change: ReplicaViewChange): Promise<void> {
    if (change !== 'everything' && change.productIds.length === 0) return;
    await Promise.all(this.listeners.map((listener) => listener(change)));
  }
}

/** The products a set of rows touch, once each. */
export function productsOf(rows: { productId: string }[]): ReplicaViewChange {
  return { productIds: [...new Set(rows.map((row) => row.productId))] };
}
