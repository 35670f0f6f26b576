import { Body, Controller, HttpCode, Module, Param, Patch, Post } from '@nestjs/common';
import { ROLE_RULES } from '../libs/auth/src/auth.types';
import { Roles } from '../libs/auth/src/decorators';
import { UpdateSubscriptionDto } from '../apps/api/src/subscriptions/subscription.dto';
import { RequestMeta } from '../apps/api/src/request-context/request-meta.decorator';

/**
 * What the bench's real endpoints answered, copied here before the floor rounds so the floor routes
 * answer bodies of the same size (for the PATCH, of the largest size).
 */
export const floorAnswers: { checkout: unknown; patch: unknown } = { checkout: {}, patch: {} };

/**
 * The HTTP stack's own cost, for reading the checkout and PATCH figures: the same paths through
 * Fastify and Nest (auth guard and roles, request ids and logging, metrics, the validation pipe
 * with the PATCH's real DTO) to a handler that answers a fixed body and does no work.
 */
@Controller('bench/floor/:customerId')
class HttpFloorController {
  @Post(':id/checkout')
  @HttpCode(201)
  @Roles(...ROLE_RULES.manageLicenses)
  checkout(@Param('id') _id: string, @RequestMeta() _meta: RequestMeta): unknown {
    return floorAnswers.checkout;
  }

  @Patch(':id')
  @Roles(...ROLE_RULES.manageLicenses)
  patch(@Param('id') _id: string, @Body() _body: UpdateSubscriptionDto, @RequestMeta() _meta: RequestMeta): unknown {
    return floorAnswers.patch;
  }
}

@Module({ controllers: [HttpFloorController] })
export class HttpFloorModule {}
