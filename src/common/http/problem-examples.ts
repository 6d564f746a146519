import { adminKeyRequired } from '../auth/api-key.guard';
import { notTheStoresKey, otherStoreForbidden } from '../auth/principal';
import { PRODUCT_ID_MESSAGE, STORE_ID_MESSAGE } from '../dto/id-fields';
import { ValidationFailedError } from '../errors/common.errors';
import { ProductNotFoundError, StoreNotFoundError } from '../errors/not-found.errors';
import { PRODUCT_ID_EXAMPLE, RESERVATION_ID_EXAMPLE, STORE_ID_EXAMPLE } from '../../contract';
import { malformedParam } from './param-pipes';

/**
 * Refusals many routes share, as the API documents show them: real errors with the demo
 * catalog's ids (npm run demo: SKU-00001 … SKU-01000 at store-s1 … store-s3), the unknown ones
 * being the first past its end.
 */
export const UNKNOWN_PRODUCT = new ProductNotFoundError('SKU-01001');
export const UNKNOWN_STORE = new StoreNotFoundError('store-s4');
export const ADMIN_KEY_REQUIRED = adminKeyRequired();
export const OTHER_STORES_STOCK = otherStoreForbidden('store-s2', 'store-s1');
export const NOT_THE_STORES_KEY = notTheStoresKey('store-s1');
export const INVALID_PRODUCT_ID = new ValidationFailedError([
  { field: 'productId', messages: [PRODUCT_ID_MESSAGE] },
]);
export const INVALID_STORE_ID = new ValidationFailedError([
  { field: 'storeId', messages: [STORE_ID_MESSAGE] },
]);
export const MALFORMED_PRODUCT_ID_PARAM = malformedParam('productId', PRODUCT_ID_EXAMPLE);
export const MALFORMED_STORE_ID_PARAM = malformedParam('storeId', STORE_ID_EXAMPLE);
export const MALFORMED_RESERVATION_ID_PARAM = malformedParam(
  'reservationId',
  RESERVATION_ID_EXAMPLE,
);
