import { ApiProperty } from '@nestjs/swagger';
import { IsString, Length } from 'class-validator';
import { StoreIdField } from '../../common/dto/id-fields';

export class CreateStoreDto {
  @StoreIdField()
  storeId: string;

  @ApiProperty({ example: 'Main Street', minLength: 1, maxLength: 200 })
  @IsString()
  @Length(1, 200)
  name: string;
}
