import { applyDecorators } from '@nestjs/common';
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsOptional, IsString, Matches } from 'class-validator';
import {
  PRODUCT_ID_EXAMPLE,
  PRODUCT_ID_PATTERN,
  RESERVATION_ID_EXAMPLE,
  RESERVATION_ID_PATTERN,
  STORE_ID_EXAMPLE,
  STORE_ID_PATTERN,
} from '../../contract';
import { PatternParamPipe } from '../http/param-pipes';

export const PRODUCT_ID_MESSAGE = `productId must be an upper-case SKU such as ${PRODUCT_ID_EXAMPLE}`;
export const STORE_ID_MESSAGE = `storeId must be a store id such as ${STORE_ID_EXAMPLE}`;

interface IdFieldOptions {
  /** An optional field (a query filter) instead of a required one. */
  optional?: boolean;
  description?: string;
  example?: string;
}

/** A field carrying an id: documented, and validated with the contract's pattern. */
function idField(pattern: RegExp, example: string, message: string, options: IdFieldOptions) {
  // A query filter gets no example: Swagger UI's "Try it out" would send it, filtering silently.
  const documentation = {
    ...(options.optional ? {} : { example: options.example ?? example }),
    pattern: pattern.source,
    description: options.description,
  };
  // Query filters (optional) were only ever pattern-checked; body fields are strings first.
  return applyDecorators(
    ...(options.optional
      ? [ApiPropertyOptional(documentation), IsOptional()]
      : [ApiProperty(documentation), IsString()]),
    Matches(pattern, { message }),
  );
}

export const ProductIdField = (options: IdFieldOptions = {}) =>
  idField(PRODUCT_ID_PATTERN, PRODUCT_ID_EXAMPLE, PRODUCT_ID_MESSAGE, options);

export const StoreIdField = (options: IdFieldOptions = {}) =>
  idField(STORE_ID_PATTERN, STORE_ID_EXAMPLE, STORE_ID_MESSAGE, options);

/** Path parameters: the same patterns, answering validation_failed naming the parameter. */
export const ProductIdParam = PatternParamPipe('productId', PRODUCT_ID_PATTERN, PRODUCT_ID_EXAMPLE);
export const StoreIdParam = PatternParamPipe('storeId', STORE_ID_PATTERN, STORE_ID_EXAMPLE);
export const ReservationIdParam = PatternParamPipe(
  'reservationId',
  RESERVATION_ID_PATTERN,
  RESERVATION_ID_EXAMPLE,
);
