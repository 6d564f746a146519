import { ApiProperty } from '@nestjs/swagger';
import { IsInt, IsNumber, Max, Min, ValidateIf } from 'class-validator';
import { type AllotmentPolicyView, MAX_ON_HAND } from '../../contract';

export class SetAllotmentShareDto {
  @ApiProperty({
    type: Number,
    nullable: true,
    example: 0.25,
    minimum: 0,
    maximum: 1,
    description:
      'Share of each level’s available units for the store’s tills; null: ALLOTMENT_SHARE.',
  })
  @ValidateIf((body: SetAllotmentShareDto) => body.share !== null)
  @IsNumber({ maxDecimalPlaces: 3 })
  @Min(0)
  @Max(1)
  share: number | null;
}

export class SetAllotmentTargetDto {
  @ApiProperty({
    type: Number,
    nullable: true,
    example: 10,
    minimum: 0,
    maximum: MAX_ON_HAND,
    description: 'Units the level’s allotment should hold; null: back to the store’s share.',
  })
  @ValidateIf((body: SetAllotmentTargetDto) => body.target !== null)
  @IsInt()
  @Min(0)
  @Max(MAX_ON_HAND)
  target: number | null;
}

class LevelTargetDto {
  @ApiProperty({ example: 'SKU-00001' }) productId: string;
  @ApiProperty({ example: 10 }) target: number;
}

export class AllotmentPolicyDto implements AllotmentPolicyView {
  @ApiProperty({ example: 'store-s1' }) storeId: string;
  @ApiProperty({ example: 0.25, description: 'The share in force.' }) share: number;
  @ApiProperty({ type: Number, nullable: true, example: null }) storeShare: number | null;
  @ApiProperty({ example: 0.25, description: 'ALLOTMENT_SHARE.' }) defaultShare: number;
  @ApiProperty({ type: [LevelTargetDto] }) targets: LevelTargetDto[];
}
