import { ArgumentMetadata, ValidationError, ValidationPipe } from '@nestjs/common';
import { ARRAY_MAX_SIZE, getMetadataStorage } from 'class-validator';
import { FieldViolation, ValidationFailedError } from '../errors/common.errors';

function flatten(errors: ValidationError[], parent = ''): FieldViolation[] {
  return errors.flatMap((error) => {
    const field = parent ? `${parent}.${error.property}` : error.property;
    const own = error.constraints ? [{ field, messages: Object.values(error.constraints) }] : [];
    return [...own, ...flatten(error.children ?? [], field)];
  });
}

/** The DTO's own arrays that are longer than their `@ArrayMaxSize`, read from the raw body. */
function oversizedArrays(metatype: NonNullable<ArgumentMetadata['metatype']>, body: unknown) {
  if (typeof body !== 'object' || body === null) return [];
  return getMetadataStorage()
    .getTargetValidationMetadatas(metatype, '', false, false)
    .filter((rule) => rule.name === ARRAY_MAX_SIZE)
    .flatMap(({ propertyName, constraints: [max] }): FieldViolation[] => {
      const items: unknown = (body as Record<string, unknown>)[propertyName];
      if (!Array.isArray(items) || items.length <= (max as number)) return [];
      return [
        {
          field: propertyName,
          messages: [`${propertyName} must contain no more than ${max} elements`],
        },
      ];
    });
}

/**
 * Refuses an oversized array before its items are transformed and validated: otherwise every
 * item of a 14,000-item batch is checked (blocking the event loop) only to refuse its size.
 */
class ArrayCapsFirstValidationPipe extends ValidationPipe {
  override async transform(value: unknown, metadata: ArgumentMetadata): Promise<unknown> {
    const oversized = metadata.metatype ? oversizedArrays(metadata.metatype, value) : [];
    if (oversized.length > 0) throw new ValidationFailedError(oversized);
    return super.transform(value, metadata);
  }
}

/** The one validation setup: unknown fields are rejected, payloads become DTO instances. */
export function createValidationPipe(): ValidationPipe {
  return new ArrayCapsFirstValidationPipe({
    whitelist: true,
    forbidNonWhitelisted: true,
    transform: true,
    validationError: { target: false, value: false },
    exceptionFactory: (errors) => new ValidationFailedError(flatten(errors)),
  });
}
