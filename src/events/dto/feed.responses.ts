import { ApiProperty } from '@nestjs/swagger';
import { EventType, type FeedStreamHead } from '../../contract';

export class FeedEventDto {
  @ApiProperty({ example: 1042, description: 'Gap-free, in commit order.' }) offset: number;
  @ApiProperty({ enum: EventType, example: EventType.StockLevelChanged }) type: EventType;
  @ApiProperty({ type: String, nullable: true, example: 'SKU-00001' }) productId: string | null;
  @ApiProperty({ type: String, nullable: true, example: 'store-s1' }) storeId: string | null;
  @ApiProperty({
    example: {
      productId: 'SKU-00001',
      storeId: 'store-s1',
      onHand: 11,
      reserved: 0,
      available: 11,
      version: 8,
      kind: 'sale',
      delta: -1,
    },
    description: 'Level events carry the full new state; product events the product fields.',
  })
  data: Record<string, unknown>;
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
