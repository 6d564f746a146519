import { ApiPropertyOptional } from '@nestjs/swagger';
import {
  IsOptional,
  IsString,
  Length,
  Matches,
  registerDecorator,
  ValidateIf,
} from 'class-validator';
import { PRICE_PATTERN } from '../../contract';

/** A PATCH that changes nothing is a mistake worth reporting. */
function RequiresOneOf(fields: string[]): PropertyDecorator {
  return (target, propertyName) =>
    registerDecorator({
      name: 'requiresOneOf',
      target: target.constructor,
      propertyName: String(propertyName),
      options: { message: `give at least one of ${fields.join(', ')}` },
      validator: {
        validate: (_value: unknown, args) =>
          fields.some((field) => (args?.object as Record<string, unknown>)[field] != null),
      },
    });
}

export class UpdateProductDto {
  @ApiPropertyOptional({
    example: 'Espresso beans 1 kg (dark roast)',
    minLength: 1,
    maxLength: 200,
  })
  // Not @IsOptional(): that would skip RequiresOneOf too whenever name is absent.
  @ValidateIf((dto: UpdateProductDto) => dto.name !== undefined || dto.price == null)
  @IsString()
  @Length(1, 200)
  @RequiresOneOf(['name', 'price'])
  name?: string;

  @ApiPropertyOptional({ example: '21.50', pattern: PRICE_PATTERN.source })
  @IsOptional()
  @IsString({ message: 'price must be a decimal string such as "19.90"' })
  @Matches(PRICE_PATTERN, { message: 'price must be a decimal string such as "19.90"' })
  price?: string;
}
