import { Injectable } from '@nestjs/common';
import { StoreNode } from './store-node';

/**
 * Whether central knows this store, as its last heartbeat answer said: a store central has no
 * record of (an empty central database, a typo in STORE_ID) is answered 404 on every beat, is
 * never online there, gets no allotment and has its outbox refused.
 */
@Injectable()
export class StoreRegistration {
  /** Unknown until the first beat is answered. */
  private knownToCentral: boolean | null = null;

  constructor(private readonly node: StoreNode) {}

  get known(): boolean | null {
    return this.knownToCentral;
  }

  recordKnown(): void {
    this.knownToCentral = true;
  }

  recordUnknown(): void {
    this.knownToCentral = false;
  }

  /** What is wrong and how to fix it, while central does not know the store. */
  get problem(): string | undefined {
    if (this.knownToCentral !== false) return undefined;
    const { storeId, centralUrl } = this.node;
    return (
      `Central (${centralUrl}) does not know store ${storeId}: its heartbeats answer 404 store_not_found, ` +
      `so central never marks it online, grants it no allotment and refuses its outbox. Register it ` +
      `with an admin key: POST ${centralUrl}/v1/admin/stores {"storeId":"${storeId}","name":"..."} ` +
      `(or fix STORE_ID).`
    );
  }
}
