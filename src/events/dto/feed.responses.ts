import { ApiProperty, getSchemaPath } from '@nestjs/swagger';
import { ProductDto } from '../../common/dto/product.responses';
import { StockLevelDto } from '../../common/dto/stock-level.responses';
import {
  EventType,
  type FeedStreamHead,
  type LevelChangedPayload,
  MovementKind,
  type ProductChangedPayload,
  type StoreRegisteredPayload,
} from '../../contract';

/** The data of a stock.level_changed event: the level's full new state and the change. */
export class LevelChangedPayloadDto extends StockLevelDto implements LevelChangedPayload {
  @ApiProperty({ example: '2026-11-24T10:00:00.000Z' }) declare updatedAt: string;
  @ApiProperty({ enum: MovementKind, example: MovementKind.Sale }) kind: MovementKind;
  @ApiProperty({ example: -1, description: 'The change of on-hand units.' }) delta: number;
  @ApiProperty({ example: 0, description: 'The change of the allotment.' }) allotmentDelta: number;
  @ApiProperty({ example: 0, description: 'The change of the reserved units.' })
  reservedDelta: number;
}

/** The data of a product event: the product's full new state. */
export class ProductChangedPayloadDto extends ProductDto implements ProductChangedPayload {
  @ApiProperty({ example: false }) deleted: boolean;
}

/** The data of a store.registered event. */
export class StoreRegisteredPayloadDto implements StoreRegisteredPayload {
  @ApiProperty({ example: 'store-s9' }) storeId: string;
  @ApiProperty({ example: 'Harbour Road' }) name: string;
}

/** The feed's event payloads, for the controllers that reference them by schema. */
export const FEED_PAYLOAD_MODELS = [
  LevelChangedPayloadDto,
  ProductChangedPayloadDto,
  StoreRegisteredPayloadDto,
];

export class FeedEventDto {
  @ApiProperty({ example: 1042, description: 'Gap-free, in commit order.' }) offset: number;
  @ApiProperty({ enum: EventType, example: EventType.StockLevelChanged }) type: EventType;
  @ApiProperty({ type: String, nullable: true, example: 'SKU-00001' }) productId: string | null;
  @ApiProperty({ type: String, nullable: true, example: 'store-s1' }) storeId: string | null;
  @ApiProperty({
    oneOf: FEED_PAYLOAD_MODELS.map((model) => ({ $ref: getSchemaPath(model) })),
    description:
      'By type: stock.level_changed carries LevelChangedPayload (the full new state), product.* ProductChangedPayload, store.registered StoreRegisteredPayload.',
  })
  data: LevelChangedPayloadDto | ProductChangedPayloadDto | StoreRegisteredPayloadDto;
  @ApiProperty({ type: String, nullable: true }) idempotencyKey: string | null;
  @ApiProperty({ type: String, nullable: true }) requestId: string | null;
  @ApiProperty({ example: '2026-11-24T10:00:00.000Z' }) createdAt: string;
  @ApiProperty({
    example: '2026-11-24T10:00:00.004Z',
    description: 'When the event received its offset, just after commit.',
  })
  committedAt: string;
}

export class FeedPageDto {
  @ApiProperty({ type: [FeedEventDto] }) events: FeedEventDto[];
  @ApiProperty({ example: 1042 }) nextOffset: number;
  @ApiProperty({ example: false }) hasMore: boolean;
  @ApiProperty({ example: 1 }) count: number;
  @ApiProperty({ example: 1042 }) headOffset: number;
}

export class FeedStreamHeadDto implements FeedStreamHead {
  @ApiProperty({ example: 1042, description: 'The feed’s head when the stream opened.' })
  headOffset: number;
}
