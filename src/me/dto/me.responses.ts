import { ApiProperty } from '@nestjs/swagger';
import type { KeyPermissions, MeView, NodeView } from '../../contract';

export class NodeViewDto implements NodeView {
  @ApiProperty({ enum: ['central', 'store'], example: 'store' }) kind: 'central' | 'store';
  @ApiProperty({
    type: String,
    nullable: true,
    example: 'store-s1',
    description: 'The store a store node serves; null at central.',
  })
  storeId: string | null;
}

export class KeyPermissionsDto implements KeyPermissions {
  @ApiProperty({
    example: false,
    description:
      'Admin routes: catalog, stores, allotment policy, rate limits; at a store, cutting its link and forcing a reload.',
  })
  administer: boolean;
  @ApiProperty({
    type: [String],
    nullable: true,
    example: null,
    description: 'The stores whose stock the key may change: null for every store.',
  })
  writeStores: string[] | null;
}

export class MeViewDto implements MeView {
  @ApiProperty({ type: NodeViewDto }) node: NodeViewDto;
  @ApiProperty({
    example: 'client:3f2a9c01be',
    description: 'A stable, non-secret id of the key (never the key).',
  })
  keyId: string;
  @ApiProperty({ enum: ['admin', 'client', 'store'], example: 'client' })
  role: 'admin' | 'client' | 'store';
  @ApiProperty({
    type: String,
    nullable: true,
    example: null,
    description: 'A store key’s own store; null for admin and client keys.',
  })
  storeId: string | null;
  @ApiProperty({ type: KeyPermissionsDto }) permissions: KeyPermissionsDto;
}
