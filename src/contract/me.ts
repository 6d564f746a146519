/** What GET /v1/me tells a caller (the web console) about its key and the node it asked. */

/** The node that answered: central, or a store node with its store. */
export interface NodeView {
  kind: 'central' | 'store';
  /** The store a store node serves; null at central. */
  storeId: string | null;
}

/** What a key may do, so a client offers only that. Every key reads everything. */
export interface KeyPermissions {
  /** Admin routes: catalog, stores, allotment policy, rate limits; at a store, cutting its link. */
  administer: boolean;
  /** The stores whose stock the key may change: null for every store, else only these. */
  writeStores: string[] | null;
}

export interface MeView {
  node: NodeView;
  /** The key's stable, non-secret id (never the key itself). */
  keyId: string;
  role: 'admin' | 'client' | 'store';
  /** A store key's own store; null for admin and client keys. */
  storeId: string | null;
  permissions: KeyPermissions;
}
