import { DynamicModule, Module } from '@nestjs/common';
import type { NodeView } from '../contract';
import { MeController } from './me.controller';
import { MeService, NODE_VIEW } from './me.service';

/** GET /v1/me: a key's role and permissions, and which node answered (the root module says). */
@Module({})
export class MeModule {
  static register(node: NodeView): DynamicModule {
    return {
      module: MeModule,
      controllers: [MeController],
      providers: [MeService, { provide: NODE_VIEW, useValue: node }],
    };
  }
}
