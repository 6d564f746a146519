import { StoreIdField } from '../../common/dto/id-fields';
import { PageQueryDto } from '../../common/pagination/page-query.dto';

export class StoreFilterPageQueryDto extends PageQueryDto {
  @StoreIdField({ optional: true, description: 'Only this store.' })
  storeId?: string;
}
