import { ArgumentMetadata, Injectable, PipeTransform } from '@nestjs/common';
import { createValidationPipe } from '../http/validation';
import { AdjustStockDto, BatchAdjustStockDto } from './stock-update.dto';

/** POST /v1/inventory/updates takes a single change or a batch; the presence of `updates` decides which. */
@Injectable()
export class StockUpdateBodyPipe implements PipeTransform<
  unknown,
  Promise<AdjustStockDto | BatchAdjustStockDto>
> {
  private readonly validation = createValidationPipe();

  async transform(
    body: unknown,
    metadata: ArgumentMetadata,
  ): Promise<AdjustStockDto | BatchAdjustStockDto> {
    const isBatch = typeof body === 'object' && body !== null && 'updates' in body;
    return this.validation.transform(body, {
      ...metadata,
      metatype: isBatch ? BatchAdjustStockDto : AdjustStockDto,
    }) as Promise<AdjustStockDto | BatchAdjustStockDto>;
  }
}
