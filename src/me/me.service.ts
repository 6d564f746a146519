import { Inject, Injectable } from '@nestjs/common';
import { type Principal, Role, storeLimitOf } from '../common/auth/principal';
import type { MeView, NodeView } from '../contract';

/** The node this process is, as its root module registered MeModule. */
export const NODE_VIEW = Symbol('NODE_VIEW');

/** What a key is and may do, in the terms the guards and services enforce. */
@Injectable()
export class MeService {
  constructor(@Inject(NODE_VIEW) private readonly node: NodeView) {}

  describe(principal: Principal): MeView {
    const ownStore = storeLimitOf(principal);
    return {
      node: this.node,
      keyId: principal.keyId,
      role: principal.role,
      storeId: principal.storeId ?? null,
      permissions: {
        administer: principal.role === Role.Admin,
        writeStores: ownStore === undefined ? null : [ownStore],
      },
    };
  }
}
