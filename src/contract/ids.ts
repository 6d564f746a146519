/**
 * The ids both sides speak. Central validates them at its edge, a store validates its own
 * STORE_ID with the same pattern, and nobody else writes these expressions down.
 */

/** Body of a store id such as store-s1 (also the prefix of a STORE_API_KEYS entry). */
export const STORE_ID_BODY = '[a-z0-9][a-z0-9-]{0,63}';
/** A store id such as store-s1. */
export const STORE_ID_PATTERN = new RegExp(`^${STORE_ID_BODY}$`);
export const STORE_ID_EXAMPLE = 'store-s1';

/** A SKU: upper-case letters, digits, dot, dash, underscore; starts with a letter or digit. */
export const PRODUCT_ID_PATTERN = /^[A-Z0-9][A-Z0-9._-]{0,63}$/;
export const PRODUCT_ID_EXAMPLE = 'SKU-00001';

/** A non-negative amount with at most two decimals, as a string so it stays exact. */
export const PRICE_PATTERN = /^\d{1,10}(\.\d{1,2})?$/;

/**
 * Sent by a store node with each forwarded write: the API key id of the store's caller, which
 * central records in the ledger beside the store's own key. Only store keys may send it.
 */
export const ON_BEHALF_OF_HEADER = 'x-on-behalf-of';
/** An API key id as the platform derives it: `<role or store id>:<10 hex digits>`. */
export const KEY_ID_PATTERN = new RegExp(`^${STORE_ID_BODY}:[0-9a-f]{10}$`);

/** The longest Idempotency-Key anyone accepts (1 to this many visible ASCII characters). */
export const IDEMPOTENCY_KEY_MAX_LENGTH = 200;
