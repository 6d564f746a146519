import { applyDecorators } from '@nestjs/common';
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import {
  IsInt,
  IsOptional,
  IsString,
  Matches,
  Max,
  MaxLength,
  Min,
  NotEquals,
} from 'class-validator';
import { IDEMPOTENCY_KEY_MAX_LENGTH, MAX_ON_HAND } from '../../contract';
import { IDEMPOTENCY_KEY_PATTERN } from '../http/idempotency-key';

/** Field decorators shared by the single, batch and count bodies, so the rules cannot drift. */
export const DeltaField = () =>
  applyDecorators(
    ApiProperty({
      example: -1,
      description: 'Change of on-hand units; negative sells or removes.',
      minimum: -MAX_ON_HAND,
      maximum: MAX_ON_HAND,
    }),
    IsInt(),
    NotEquals(0, { message: 'delta must not be 0' }),
    Min(-MAX_ON_HAND),
    Max(MAX_ON_HAND),
  );

/** Versions are Postgres integers; a larger expected version could only fail in the query. */
const MAX_VERSION = 2_147_483_647;

export const ExpectedVersionField = () =>
  applyDecorators(
    ApiPropertyOptional({
      example: 3,
      description:
        'Compare-and-set: apply only if the level is still at this version (0 = never written).',
      minimum: 0,
      maximum: MAX_VERSION,
    }),
    IsOptional(),
    IsInt(),
    Min(0),
    Max(MAX_VERSION),
  );

export const ReferenceField = ({
  description = 'Your document reference (receipt, delivery note).',
} = {}) =>
  applyDecorators(
    ApiPropertyOptional({ example: 'POS-4711', description, maxLength: 200 }),
    IsOptional(),
    IsString(),
    MaxLength(200),
  );

export const NoteField = () =>
  applyDecorators(
    ApiPropertyOptional({ example: 'Till 3', maxLength: 500 }),
    IsOptional(),
    IsString(),
    MaxLength(500),
  );

export const IdempotencyKeyField = (description: string) =>
  applyDecorators(
    ApiPropertyOptional({
      example: '7f9c2a1e-4b1d-4c59-9a57-0c7f1d2e3b4a',
      description,
      maxLength: IDEMPOTENCY_KEY_MAX_LENGTH,
    }),
    IsOptional(),
    IsString(),
    Matches(IDEMPOTENCY_KEY_PATTERN, {
      message: '$property must be 1 to 200 visible ASCII characters',
    }),
  );
