import { PatternParamPipe } from '../common/http/param-pipes';

/** A SKU: upper-case letters, digits, dot, dash, underscore; starts with a letter or digit. */
export const PRODUCT_ID_PATTERN = /^[A-Z0-9][A-Z0-9._-]{0,63}$/;
/** A store id such as store-s1. */
export const STORE_ID_PATTERN = /^[a-z0-9][a-z0-9-]{0,63}$/;
/** A non-negative amount with at most two decimals, as a string so it stays exact. */
export const PRICE_PATTERN = /^\d{1,10}(\.\d{1,2})?$/;

export const ProductIdParam = PatternParamPipe('productId', PRODUCT_ID_PATTERN, 'SKU-0001');
export const StoreIdParam = PatternParamPipe('storeId', STORE_ID_PATTERN, 'store-s1');
