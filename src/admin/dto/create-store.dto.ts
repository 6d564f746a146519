import { ApiProperty } from '@nestjs/swagger';
import { IsString, Length, Matches } from 'class-validator';
import { STORE_ID_PATTERN } from '../../catalog/catalog.patterns';

export class CreateStoreDto {
  @ApiProperty({ example: 'store-s1', pattern: STORE_ID_PATTERN.source })
  @IsString()
  @Matches(STORE_ID_PATTERN, { message: 'storeId must be a store id such as store-s1' })
  storeId: string;

  @ApiProperty({ example: 'Main Street', minLength: 1, maxLength: 200 })
  @IsString()
  @Length(1, 200)
  name: string;
}
