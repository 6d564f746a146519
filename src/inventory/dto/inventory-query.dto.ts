import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsOptional, Matches } from 'class-validator';
import { STORE_ID_PATTERN } from '../../catalog/catalog.patterns';
import { PageQueryDto } from '../../common/pagination/page-query.dto';

export class StoreFilterPageQueryDto extends PageQueryDto {
  @ApiPropertyOptional({ example: 'store-s1', description: 'Only this store.' })
  @IsOptional()
  @Matches(STORE_ID_PATTERN, { message: 'storeId must be a store id such as store-s1' })
  storeId?: string;
}
