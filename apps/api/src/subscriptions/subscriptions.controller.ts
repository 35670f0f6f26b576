import { Body, Controller, Delete, Get, HttpCode, Param, Patch, Post, Put, Query } from '@nestjs/common';
import { CommandBus, QueryBus } from '@nestjs/cqrs';
import {
  ApiBearerAuth,
  ApiConflictResponse,
  ApiCreatedResponse,
  ApiNotFoundResponse,
  ApiOkResponse,
  ApiOperation,
  ApiTags,
  ApiUnprocessableEntityResponse,
} from '@nestjs/swagger';
import { ImportSubscriptionCommand } from '../../../../libs/subscriptions/src/application/import.handlers';
import { ROLE_RULES, type Role } from '../../../../libs/auth/src/auth.types';
import { Roles } from '../../../../libs/auth/src/decorators';
import type { Page } from '../../../../libs/partners/src/read-models/paging';
import {
  CheckoutCartCommand,
  CreateCartCommand,
  GetCartQuery,
  GetOrderQuery,
} from '../../../../libs/subscriptions/src/application/checkout.handlers';
import {
  CancelSubscriptionCommand,
  ClearScheduledChangesCommand,
  SetScheduledChangesCommand,
  TransitionSubscriptionCommand,
  UpdateSubscriptionCommand,
  type CancelledSubscriptionView,
  type SubscriptionUpdateInput,
  type TransitionResult,
} from '../../../../libs/subscriptions/src/application/subscription.handlers';
import {
  CustomTermEndDatesQuery,
  GetSubscriptionQuery,
  ListOrdersQuery,
  ListSubscriptionsQuery,
  SubscriptionHistoryQuery,
  TransitionEligibilitiesQuery,
  type HistoryEntry,
  type TransitionEligibility,
} from '../../../../libs/subscriptions/src/application/subscription.queries';
import type { CartView, CheckoutResult, OrderView, SubscriptionView } from '../../../../libs/subscriptions/src/application/views';
import type { CustomTermEndDate } from '../../../../libs/subscriptions/src/domain/coterminosity';
import type { SubscriptionListItem } from '../../../../libs/subscriptions/src/read-models/subscription.queries';
import { pageRequestFrom } from '../common/paging';
import { ValidationFailedError } from '../errors/problem';
import { ListQueryDto } from '../partners/list-query.dto';
import { CommandContextFactory } from '../request-context/command-context.factory';
import { RequestMeta } from '../request-context/request-meta.decorator';
import {
  AsOfQueryDto,
  CancelledSubscriptionDto,
  CartDto,
  CheckoutResultDto,
  CreateCartDto,
  CustomTermEndDatePageDto,
  CustomTermEndDatesQueryDto,
  EligibilityQueryDto,
  HistoryDto,
  ImportSubscriptionDto,
  OrderDto,
  OrderPageDto,
  ScheduledChangesDto,
  SubscriptionDto,
  SubscriptionListQueryDto,
  SubscriptionPageDto,
  TransitionDto,
  TransitionEligibilityPageDto,
  TransitionResultDto,
  UpdateSubscriptionDto,
} from './subscription.dto';

/** R-ROLE-1: buy and manage license-based subscriptions. */
const BUYERS: readonly Role[] = ROLE_RULES.manageLicenses;
/** Who may read; what each one sees is narrowed by R-TENANT-1. */
const READERS: readonly Role[] = [...ROLE_RULES.manageLicenses, 'customer-admin', 'operator'];
const NOT_YOURS = 'unknown, or not the caller\'s (R-TENANT-1)';
/** While a term end is processed (its renewal or expiry is due and not applied yet). */
const RENEWAL_IN_PROGRESS = '`renewal-in-progress` with a `Retry-After` header (the term ended and its renewal or expiry is being processed)';

@ApiTags('carts and orders')
@ApiBearerAuth()
@Controller('v1/customers/:customerId')
export class CartsController {
  constructor(
    private readonly commands: CommandBus,
    private readonly queries: QueryBus,
    private readonly contexts: CommandContextFactory,
  ) {}

  @Post('carts')
  @Roles(...BUYERS)
  @ApiOperation({ summary: 'Create a cart (R-SUB-1); it can be checked out for 7 days (roles R-ROLE-1)' })
  @ApiCreatedResponse({ type: CartDto })
  @ApiNotFoundResponse({ description: 'customer unknown or without a relationship to the caller' })
  createCart(@Param('customerId') customerId: string, @Body() body: CreateCartDto, @RequestMeta() meta: RequestMeta): Promise<CartView> {
    const lineItems = body.lineItems.map((line) => ({
      ...line,
      ...(line.participants ? { participants: line.participants.map((p) => ({ key: p.key, value: p.value })) } : {}),
    }));
    return this.commands.execute(new CreateCartCommand(customerId, lineItems, this.contexts.forRequest(meta)));
  }

  @Get('carts/:cartId')
  @Roles(...BUYERS, 'operator')
  @ApiOperation({ summary: 'One cart, with its status (active, ordered, expired)' })
  @ApiOkResponse({ type: CartDto })
  @ApiNotFoundResponse({ description: NOT_YOURS })
  getCart(@Param('customerId') customerId: string, @Param('cartId') cartId: string, @RequestMeta() meta: RequestMeta): Promise<CartView> {
    return this.queries.execute(new GetCartQuery(meta.actor, customerId, cartId));
  }

  @Post('carts/:cartId/checkout')
  @Roles(...BUYERS)
  @ApiOperation({
    summary: 'Check out a cart: one order, one subscription per line (R-SUB-1)',
    description: 'A refused line is listed in `orderErrors` and the others still succeed; when every line is refused nothing is written (422).',
  })
  @ApiCreatedResponse({ type: CheckoutResultDto })
  @ApiNotFoundResponse({ description: NOT_YOURS })
  @ApiConflictResponse({ description: '`cart-already-checked-out`' })
  @ApiUnprocessableEntityResponse({
    description:
      '`cart-expired`, `relationship-missing`, `customer-agreement-missing`, `region-mismatch`, `partner-not-onboarded`, `indirect-reseller-cannot-purchase`; ' +
      'when every line is refused, the lines\' code (`market-not-available`, `sku-end-of-sale`, `prerequisite-missing`, `billing-plan-not-offered`, ' +
      '`quantity-above-maximum`, `custom-term-end-date-not-allowed`, ...) or `checkout-refused`, with `details.orderErrors`',
  })
  checkout(@Param('customerId') customerId: string, @Param('cartId') cartId: string, @RequestMeta() meta: RequestMeta): Promise<CheckoutResult> {
    return this.commands.execute(new CheckoutCartCommand(customerId, cartId, this.contexts.forRequest(meta)));
  }

  @Get('orders')
  @Roles(...READERS)
  @ApiOperation({ summary: 'The customer\'s order history (R-SUB-1); from a read model' })
  @ApiOkResponse({ type: OrderPageDto })
  @ApiNotFoundResponse({ description: NOT_YOURS })
  listOrders(@Param('customerId') customerId: string, @Query() query: ListQueryDto, @RequestMeta() meta: RequestMeta): Promise<Page<OrderView>> {
    return this.queries.execute(new ListOrdersQuery(meta.actor, customerId, pageRequestFrom(query)));
  }

  @Get('orders/:orderId')
  @Roles(...READERS)
  @ApiOperation({ summary: 'One order' })
  @ApiOkResponse({ type: OrderDto })
  @ApiNotFoundResponse({ description: NOT_YOURS })
  getOrder(@Param('customerId') customerId: string, @Param('orderId') orderId: string, @RequestMeta() meta: RequestMeta): Promise<OrderView> {
    return this.queries.execute(new GetOrderQuery(meta.actor, customerId, orderId));
  }
}

@ApiTags('subscriptions')
@ApiBearerAuth()
@Controller('v1/customers/:customerId/subscriptions')
export class SubscriptionsController {
  constructor(
    private readonly commands: CommandBus,
    private readonly queries: QueryBus,
    private readonly contexts: CommandContextFactory,
  ) {}

  @Get()
  @Roles(...READERS)
  @ApiOperation({
    summary: 'The customer\'s subscriptions the caller may see (R-TENANT-1); from a read model',
    description: '`status` filters by status; `endsBefore=YYYY-MM-DD` keeps the terms whose end date is earlier than that day (upcoming renewals and expiries).',
  })
  @ApiOkResponse({ type: SubscriptionPageDto })
  @ApiNotFoundResponse({ description: NOT_YOURS })
  list(@Param('customerId') customerId: string, @Query() query: SubscriptionListQueryDto, @RequestMeta() meta: RequestMeta): Promise<Page<SubscriptionListItem>> {
    return this.queries.execute(
      new ListSubscriptionsQuery(meta.actor, customerId, {
        status: query.status,
        endsBefore: query.endsBefore,
        ...pageRequestFrom(query),
      }),
    );
  }

  @Post('imports')
  @Roles('operator')
  @ApiOperation({
    summary: 'Import a subscription bought elsewhere, with its running term (operator)',
    description:
      'R-SUB-4: software bought before 2021-10-14 never renews and expires at its end date; others renew as usual. The id follows from the partner and `source`: importing the same source again answers that subscription.',
  })
  @ApiCreatedResponse({ type: SubscriptionDto })
  @ApiNotFoundResponse({ description: 'customer unknown' })
  @ApiConflictResponse({ description: '`subscription-already-imported` (the source belongs to another customer)' })
  @ApiUnprocessableEntityResponse({
    description:
      '`partner-not-onboarded`, `relationship-missing`, `unknown-catalog-item`, `term-not-offered`, `billing-plan-not-offered`, `currency-mismatch`, `commitment-end-date-not-allowed`, `term-already-ended`',
  })
  import(@Param('customerId') customerId: string, @Body() body: ImportSubscriptionDto, @RequestMeta() meta: RequestMeta): Promise<SubscriptionView> {
    return this.commands.execute(new ImportSubscriptionCommand(customerId, { ...body, unitPrice: { ...body.unitPrice } }, this.contexts.forRequest(meta)));
  }

  @Get('custom-term-end-dates')
  @Roles(...BUYERS)
  @ApiOperation({ summary: 'End dates a new term may be aligned to (R-SUB-3): calendar month, or the caller\'s other subscriptions' })
  @ApiOkResponse({ type: CustomTermEndDatePageDto })
  @ApiNotFoundResponse({ description: NOT_YOURS })
  customTermEndDates(
    @Param('customerId') customerId: string,
    @Query() query: CustomTermEndDatesQueryDto,
    @RequestMeta() meta: RequestMeta,
  ): Promise<{ items: CustomTermEndDate[] }> {
    return this.queries.execute(new CustomTermEndDatesQuery(meta.actor, customerId, query.termDuration, query.termStartDate));
  }

  @Get(':subscriptionId')
  @Roles(...READERS)
  @ApiOperation({ summary: 'One subscription, reflecting the caller\'s own writes; `?asOf=` gives its state at an instant' })
  @ApiOkResponse({ type: SubscriptionDto })
  @ApiNotFoundResponse({ description: `${NOT_YOURS}, or not existing yet at asOf` })
  get(
    @Param('customerId') customerId: string,
    @Param('subscriptionId') subscriptionId: string,
    @Query() query: AsOfQueryDto,
    @RequestMeta() meta: RequestMeta,
  ): Promise<SubscriptionView> {
    const asOf = query.asOf === undefined ? undefined : new Date(query.asOf).toISOString();
    return this.queries.execute(new GetSubscriptionQuery(meta.actor, customerId, subscriptionId, asOf));
  }

  @Patch(':subscriptionId')
  @Roles(...BUYERS)
  @ApiOperation({
    summary: 'Change quantity, auto-renew, friendly name, reseller or status; only the fields sent change',
    description: 'R-CANCEL-2 seats, R-SUB-4 auto-renew, R-SUB-10 suspend (turns auto-renew off) and reactivate, R-IND-2 reseller. Any immediate change clears scheduled changes (R-SUB-5).',
  })
  @ApiOkResponse({ type: SubscriptionDto })
  @ApiNotFoundResponse({ description: NOT_YOURS })
  @ApiConflictResponse({ description: `\`version-conflict\`, \`subscription-not-active\`, ${RENEWAL_IN_PROGRESS}` })
  @ApiUnprocessableEntityResponse({
    description: '`seat-reduction-window-closed`, `seat-reduction-not-allowed`, `quantity-above-maximum`, `auto-renew-not-allowed-while-suspended`, `auto-renew-not-available`, `reseller-not-found`, `not-an-indirect-reseller`, `not-an-indirect-provider`',
  })
  update(
    @Param('customerId') customerId: string,
    @Param('subscriptionId') subscriptionId: string,
    @Body() body: UpdateSubscriptionDto,
    @RequestMeta() meta: RequestMeta,
  ): Promise<SubscriptionView> {
    const input: SubscriptionUpdateInput = {};
    if (body.quantity !== undefined) input.quantity = body.quantity;
    if (body.autoRenewEnabled !== undefined) input.autoRenewEnabled = body.autoRenewEnabled;
    if (body.friendlyName !== undefined) input.friendlyName = body.friendlyName;
    if (body.partnerId !== undefined) input.partnerId = body.partnerId;
    if (body.status !== undefined) input.status = body.status;
    if (Object.keys(input).length === 0) {
      throw new ValidationFailedError([{ field: 'body', messages: ['send at least one of quantity, autoRenewEnabled, friendlyName, partnerId, status'] }]);
    }
    return this.commands.execute(new UpdateSubscriptionCommand(customerId, subscriptionId, input, this.contexts.forRequest(meta)));
  }

  @Post(':subscriptionId/cancel')
  @HttpCode(200)
  @Roles(...BUYERS)
  @ApiOperation({ summary: 'Cancel within 168 hours of the term start (R-CANCEL-1): full refund for 24 hours, then prorated by whole days used' })
  @ApiOkResponse({ type: CancelledSubscriptionDto })
  @ApiNotFoundResponse({ description: NOT_YOURS })
  @ApiConflictResponse({ description: '`subscription-not-active`' })
  @ApiUnprocessableEntityResponse({ description: '`cancellation-window-closed` (names the window\'s end), `not-cancellable`' })
  cancel(@Param('customerId') customerId: string, @Param('subscriptionId') subscriptionId: string, @RequestMeta() meta: RequestMeta): Promise<CancelledSubscriptionView> {
    return this.commands.execute(new CancelSubscriptionCommand(customerId, subscriptionId, this.contexts.forRequest(meta)));
  }

  @Put(':subscriptionId/scheduled-changes')
  @Roles(...BUYERS)
  @ApiOperation({ summary: 'Set or replace the next term\'s instructions (R-SUB-5); fields not sent keep the current values' })
  @ApiOkResponse({ type: SubscriptionDto })
  @ApiNotFoundResponse({ description: NOT_YOURS })
  @ApiConflictResponse({ description: `\`subscription-not-active\`, ${RENEWAL_IN_PROGRESS}` })
  @ApiUnprocessableEntityResponse({
    description: '`auto-renew-required`, `upgrade-target-not-eligible`, `custom-term-end-date-not-allowed`, catalog refusals',
  })
  setScheduled(
    @Param('customerId') customerId: string,
    @Param('subscriptionId') subscriptionId: string,
    @Body() body: ScheduledChangesDto,
    @RequestMeta() meta: RequestMeta,
  ): Promise<SubscriptionView> {
    return this.commands.execute(new SetScheduledChangesCommand(customerId, subscriptionId, { ...body }, this.contexts.forRequest(meta)));
  }

  @Delete(':subscriptionId/scheduled-changes')
  @Roles(...BUYERS)
  @ApiOperation({ summary: 'Clear the next term\'s instructions (R-SUB-5)' })
  @ApiOkResponse({ type: SubscriptionDto })
  @ApiNotFoundResponse({ description: NOT_YOURS })
  @ApiConflictResponse({ description: RENEWAL_IN_PROGRESS })
  clearScheduled(@Param('customerId') customerId: string, @Param('subscriptionId') subscriptionId: string, @RequestMeta() meta: RequestMeta): Promise<SubscriptionView> {
    return this.commands.execute(new ClearScheduledChangesCommand(customerId, subscriptionId, this.contexts.forRequest(meta)));
  }

  @Get(':subscriptionId/transition-eligibilities')
  @Roles(...READERS)
  @ApiOperation({ summary: 'Upgrade targets and whether each can be taken now or at renewal (R-SUB-8, R-CAT-8)' })
  @ApiOkResponse({ type: TransitionEligibilityPageDto })
  @ApiNotFoundResponse({ description: NOT_YOURS })
  eligibilities(
    @Param('customerId') customerId: string,
    @Param('subscriptionId') subscriptionId: string,
    @Query() query: EligibilityQueryDto,
    @RequestMeta() meta: RequestMeta,
  ): Promise<{ items: TransitionEligibility[] }> {
    return this.queries.execute(new TransitionEligibilitiesQuery(meta.actor, customerId, subscriptionId, query.eligibilityType ?? 'immediate'));
  }

  @Post(':subscriptionId/transitions')
  @Roles(...BUYERS)
  @ApiOperation({ summary: 'Upgrade now (R-SUB-8): all seats keep the id; N seats move to a new subscription with the same end date' })
  @ApiCreatedResponse({ type: TransitionResultDto })
  @ApiNotFoundResponse({ description: NOT_YOURS })
  @ApiConflictResponse({ description: RENEWAL_IN_PROGRESS })
  @ApiUnprocessableEntityResponse({ description: '`upgrade-target-not-eligible`, `upgrade-quantity-exceeds-subscription`, `not-exchangeable`, catalog refusals' })
  transition(
    @Param('customerId') customerId: string,
    @Param('subscriptionId') subscriptionId: string,
    @Body() body: TransitionDto,
    @RequestMeta() meta: RequestMeta,
  ): Promise<TransitionResult> {
    return this.commands.execute(
      new TransitionSubscriptionCommand(customerId, subscriptionId, { toCatalogItemId: body.toCatalogItemId, quantity: body.quantity }, this.contexts.forRequest(meta)),
    );
  }

  @Get(':subscriptionId/history')
  @Roles(...READERS)
  @ApiOperation({ summary: 'The subscription\'s events with actor, correlation and causation ids (R-EVT-2)' })
  @ApiOkResponse({ type: HistoryDto })
  @ApiNotFoundResponse({ description: NOT_YOURS })
  history(@Param('customerId') customerId: string, @Param('subscriptionId') subscriptionId: string, @RequestMeta() meta: RequestMeta): Promise<{ items: HistoryEntry[] }> {
    return this.queries.execute(new SubscriptionHistoryQuery(meta.actor, customerId, subscriptionId));
  }
}
