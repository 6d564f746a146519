import { ApiProperty } from '@nestjs/swagger';
import type { StoreLevelsChanged } from '../../contract';

export class StoreLevelsChangedDto implements StoreLevelsChanged {
  @ApiProperty({
    type: [String],
    nullable: true,
    example: ['SKU-00001'],
    description:
      'The products whose levels (at any store), pending quantities or details changed: read them again. null: read everything again (the replica was reloaded, or the client missed too much).',
  })
  productIds: string[] | null;
}
