import { IntersectionType } from '@nestjs/swagger';
import { StoreIdField } from '../../common/dto/id-fields';
import { PageQueryDto } from '../../common/pagination/page-query.dto';

export class StoreScopeQueryDto {
  @StoreIdField({
    optional: true,
    example: 'store-s2',
    description:
      'Read another store’s level from the replica (it holds every store); defaults to this store.',
  })
  storeId?: string;
}

export class StoreInventoryQueryDto extends IntersectionType(PageQueryDto, StoreScopeQueryDto) {}
