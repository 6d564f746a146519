import { Controller, Get } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { CurrentPrincipal } from '../common/auth/auth.decorators';
import type { Principal } from '../common/auth/principal';
import { ApiAuthenticated } from '../common/http/api-docs.decorators';
import { MeViewDto } from './dto/me.responses';
import { MeService } from './me.service';

@ApiTags('me')
@ApiAuthenticated()
@Controller('v1/me')
export class MeController {
  constructor(private readonly me: MeService) {}

  @Get()
  @ApiOperation({
    summary: 'Who this key is and what it may do, at this node',
    description:
      'The key’s role and permissions (as every route enforces them) and the node that answered, so a client (the web console) offers only what the key may do. A wrong key answers 401.',
  })
  @ApiOkResponse({
    type: MeViewDto,
    description: 'The key is known here: its role and permissions.',
  })
  describe(@CurrentPrincipal() principal: Principal) {
    return this.me.describe(principal);
  }
}
