import { AppConfig } from '../config/app-config';

/** Who this store node is and how it reaches central: a store node always has all three. */
export class StoreNode {
  constructor(
    readonly storeId: string,
    /** Without a trailing slash, so paths append to it. */
    readonly centralUrl: string,
    readonly centralApiKey: string,
  ) {}

  static fromConfig(config: AppConfig): StoreNode {
    const { storeId, centralUrl, centralApiKey } = config;
    // AppConfig already requires all three in store mode; this only gives them their types.
    if (!storeId || !centralUrl || !centralApiKey) {
      throw new Error('A store node needs STORE_ID, CENTRAL_URL and CENTRAL_API_KEY');
    }
    return new StoreNode(storeId, centralUrl.replace(/\/+$/, ''), centralApiKey);
  }
}
