import { ApiPropertyOptional, IntersectionType } from '@nestjs/swagger';
import { IsOptional, Matches } from 'class-validator';
import { STORE_ID_PATTERN } from '../../catalog/catalog.patterns';
import { PageQueryDto } from '../../common/pagination/page-query.dto';

export class StoreScopeQueryDto {
  @ApiPropertyOptional({
    example: 'store-s2',
    description:
      'Read another store’s level from the replica (it holds every store); defaults to this store.',
  })
  @IsOptional()
  @Matches(STORE_ID_PATTERN, { message: 'storeId must be a store id such as store-s1' })
  storeId?: string;
}

export class StoreInventoryQueryDto extends IntersectionType(PageQueryDto, StoreScopeQueryDto) {}
