import { Body, Controller, Delete, Get, HttpCode, Param, Post, Put, Query, Res } from '@nestjs/common';
import { CommandBus, QueryBus } from '@nestjs/cqrs';
import {
  ApiBearerAuth,
  ApiConflictResponse,
  ApiCreatedResponse,
  ApiNoContentResponse,
  ApiNotFoundResponse,
  ApiOkResponse,
  ApiOperation,
  ApiTags,
  ApiUnprocessableEntityResponse,
} from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { ROLE_RULES, type Role } from '../../../../libs/auth/src/auth.types';
import { Roles } from '../../../../libs/auth/src/decorators';
import {
  CancelCspRenewalCommand,
  GetCspRenewalQuery,
  GetEaAgreementQuery,
  ImportEaAgreementCommand,
  ListActivityLogQuery,
  ListEaAgreementsQuery,
  ListEaSubscriptionsQuery,
  ScheduleCspRenewalCommand,
} from '../../../../libs/ea-transfer/src/application/ea-transfer.handlers';
import type { CspRenewalView, EaAgreementImportResult, EaAgreementView, EaSubscriptionView } from '../../../../libs/ea-transfer/src/application/views';
import type { ActivityLogEntry } from '../../../../libs/ea-transfer/src/read-models/ea-transfer.queries';
import type { Page } from '../../../../libs/partners/src/read-models/paging';
import { pageRequestFrom } from '../common/paging';
import { CommandContextFactory } from '../request-context/command-context.factory';
import { RequestMeta } from '../request-context/request-meta.decorator';
import {
  ActivityLogPageDto,
  ActivityLogQueryDto,
  CspRenewalDto,
  CspRenewalInputDto,
  EaAgreementDto,
  EaAgreementImportResultDto,
  EaAgreementPageDto,
  EaSubscriptionPageDto,
  ImportEaAgreementDto,
} from './ea-transfer.dto';

/** R-ROLE-5: the channel transfer is for admin agents only; the operator reads everything. */
const EA_AGENTS: readonly Role[] = ROLE_RULES.eaTransfer;
const EA_READERS: readonly Role[] = [...ROLE_RULES.eaTransfer, 'operator'];
const HIDDEN =
  'customer unknown or without a relationship to the caller; agreement unknown, another customer\'s, outside the window of R-EA-2, or not visible to the caller yet (R-EA-15)';
const NO_API_IN_PARTNER_CENTER = 'Partner Center offers this only in its user interface; here it is an API too.';

@ApiTags('EA-to-CSP channel transfer')
@ApiBearerAuth()
@Controller('v1/ea/agreements')
export class EaImportController {
  constructor(
    private readonly commands: CommandBus,
    private readonly contexts: CommandContextFactory,
  ) {}

  @Post()
  @Roles('operator')
  @ApiOperation({
    summary: 'Import an EA agreement and its subscriptions (operator, R-EA-1)',
    description:
      'Idempotent: the same import again writes nothing (200, `result: unchanged`); a later import may add subscriptions. EA data is never changed (R-EA-14): other values for a known agreement or subscription are refused (409) and write nothing. Partners with a relationship see the agreement once the import for their relationship ran (R-EA-15).',
  })
  @ApiCreatedResponse({ type: EaAgreementImportResultDto, description: 'created, or subscriptions added' })
  @ApiOkResponse({ type: EaAgreementImportResultDto, description: 'the same import again: nothing written' })
  @ApiConflictResponse({ description: '`ea-data-immutable` (R-EA-14), `ea-agreement-conflict` (the number belongs to another customer)' })
  async import(@Body() body: ImportEaAgreementDto, @RequestMeta() meta: RequestMeta, @Res({ passthrough: true }) reply: FastifyReply): Promise<EaAgreementImportResult> {
    const input = { ...body, subscriptions: body.subscriptions.map((s) => ({ ...s })) };
    const result: EaAgreementImportResult = await this.commands.execute(new ImportEaAgreementCommand(input, this.contexts.forRequest(meta)));
    reply.status(result.result === 'unchanged' ? 200 : 201);
    return result;
  }
}

@ApiTags('EA-to-CSP channel transfer')
@ApiBearerAuth()
@Controller('v1/customers/:customerId/ea-agreements')
export class EaAgreementsController {
  constructor(
    private readonly commands: CommandBus,
    private readonly queries: QueryBus,
    private readonly contexts: CommandContextFactory,
  ) {}

  @Get()
  @Roles(...EA_READERS)
  @ApiOperation({
    summary: 'The customer\'s EA agreements that expired within the last 90 days or expire within the next 6 months (R-EA-2)',
    description: `R-EA-3: agreements in their extended term are flagged \`eligible: false\`. R-EA-15: empty until the import for the caller's relationship ran. ${NO_API_IN_PARTNER_CENTER}`,
  })
  @ApiOkResponse({ type: EaAgreementPageDto })
  @ApiNotFoundResponse({ description: 'customer unknown or without a relationship to the caller' })
  list(@Param('customerId') customerId: string, @RequestMeta() meta: RequestMeta): Promise<{ items: EaAgreementView[] }> {
    return this.queries.execute(new ListEaAgreementsQuery(meta.actor, customerId));
  }

  @Get(':agreementId')
  @Roles(...EA_READERS)
  @ApiOperation({ summary: 'One EA agreement' })
  @ApiOkResponse({ type: EaAgreementDto })
  @ApiNotFoundResponse({ description: HIDDEN })
  get(@Param('customerId') customerId: string, @Param('agreementId') agreementId: string, @RequestMeta() meta: RequestMeta): Promise<EaAgreementView> {
    return this.queries.execute(new GetEaAgreementQuery(meta.actor, customerId, agreementId));
  }

  @Get(':agreementId/subscriptions')
  @Roles(...EA_READERS)
  @ApiOperation({
    summary: 'The agreement\'s subscriptions, each with its CSP availability (R-EA-4, R-EA-5, R-EA-6, R-EA-8)',
    description: 'Not available: `not-commercial`, `no-equivalent-sku` (no CSP SKU with the same provisioning id), `scheduled-by-another-partner`, `extended-term`, `already-renewed`.',
  })
  @ApiOkResponse({ type: EaSubscriptionPageDto })
  @ApiNotFoundResponse({ description: HIDDEN })
  subscriptions(@Param('customerId') customerId: string, @Param('agreementId') agreementId: string, @RequestMeta() meta: RequestMeta): Promise<{ items: EaSubscriptionView[] }> {
    return this.queries.execute(new ListEaSubscriptionsQuery(meta.actor, customerId, agreementId));
  }

  @Get(':agreementId/subscriptions/:eaSubscriptionId/csp-renewal')
  @Roles(...EA_READERS)
  @ApiOperation({ summary: 'The caller\'s renewal schedule of the EA subscription: scheduled, processing, completed (with the subscription and order) or failed (with the reason)' })
  @ApiOkResponse({ type: CspRenewalDto })
  @ApiNotFoundResponse({ description: `${HIDDEN}; no schedule of the caller` })
  getRenewal(
    @Param('customerId') customerId: string,
    @Param('agreementId') agreementId: string,
    @Param('eaSubscriptionId') eaSubscriptionId: string,
    @RequestMeta() meta: RequestMeta,
  ): Promise<CspRenewalView> {
    return this.queries.execute(new GetCspRenewalQuery(meta.actor, customerId, agreementId, eaSubscriptionId));
  }

  @Put(':agreementId/subscriptions/:eaSubscriptionId/csp-renewal')
  @Roles(...EA_AGENTS)
  @ApiOperation({
    summary: '"Renew to CSP": schedule, edit or resubmit the renewal of an EA subscription (R-EA-7, admin agents, R-ROLE-5)',
    description:
      'The CSP SKU is the one with the same provisioning id (R-EA-5; end-of-sale too, R-EA-6); upgrade after the as-is renewal (R-EA-13). Processed from 12:00 UTC on the day after the EA end date, or on the day after the submission when the EA subscription has already expired (R-EA-9); the new subscription starts the day after the EA end date (R-EA-10). One partner per EA subscription (R-EA-8). ' +
      NO_API_IN_PARTNER_CENTER,
  })
  @ApiOkResponse({ type: CspRenewalDto })
  @ApiNotFoundResponse({ description: HIDDEN })
  @ApiConflictResponse({ description: '`ea-renewal-processing`, `ea-renewal-already-processed`, `version-conflict`' })
  @ApiUnprocessableEntityResponse({
    description:
      '`ea-renewal-held-by-another-partner` (R-EA-8), `ea-not-eligible` (`details.reason`: `extended-term`, `not-commercial`, `no-equivalent-sku`), `term-not-offered`, `billing-plan-not-offered`, `market-not-available`, `quantity-above-maximum`, `custom-term-end-date-not-allowed`, `customer-agreement-missing`, `partner-not-onboarded`, `indirect-reseller-cannot-purchase`',
  })
  scheduleRenewal(
    @Param('customerId') customerId: string,
    @Param('agreementId') agreementId: string,
    @Param('eaSubscriptionId') eaSubscriptionId: string,
    @Body() body: CspRenewalInputDto,
    @RequestMeta() meta: RequestMeta,
  ): Promise<CspRenewalView> {
    const input = {
      termDuration: body.termDuration,
      billingCycle: body.billingCycle,
      quantity: body.quantity,
      ...(body.customTermEndDate !== undefined ? { customTermEndDate: body.customTermEndDate } : {}),
    };
    return this.commands.execute(new ScheduleCspRenewalCommand(customerId, agreementId, eaSubscriptionId, input, this.contexts.forRequest(meta)));
  }

  @Delete(':agreementId/subscriptions/:eaSubscriptionId/csp-renewal')
  @HttpCode(204)
  @Roles(...EA_AGENTS)
  @ApiOperation({ summary: 'Cancel the renewal schedule until processing starts; frees the EA subscription for other partners (R-EA-7, R-EA-8)' })
  @ApiNoContentResponse({ description: 'cancelled' })
  @ApiNotFoundResponse({ description: `${HIDDEN}; no schedule of the caller` })
  @ApiConflictResponse({ description: '`ea-renewal-processing`, `ea-renewal-already-processed` (the renewal cannot be undone, R-EA-10)' })
  async cancelRenewal(
    @Param('customerId') customerId: string,
    @Param('agreementId') agreementId: string,
    @Param('eaSubscriptionId') eaSubscriptionId: string,
    @RequestMeta() meta: RequestMeta,
  ): Promise<void> {
    await this.commands.execute(new CancelCspRenewalCommand(customerId, agreementId, eaSubscriptionId, this.contexts.forRequest(meta)));
  }
}

@ApiTags('activity log')
@ApiBearerAuth()
@Controller('v1/activity-log')
export class ActivityLogController {
  constructor(private readonly queries: QueryBus) {}

  @Get()
  @Roles(...ROLE_RULES.activityLog, ...EA_AGENTS, 'operator')
  @ApiOperation({
    summary: 'The caller\'s activity log, oldest first (R-EA-11: `migration` entries for EA-to-CSP renewals)',
    description: 'Filter by `operationType` and by UTC dates `startDate`..`endDate` (inclusive). A partner reads its own entries; the operator all.',
  })
  @ApiOkResponse({ type: ActivityLogPageDto })
  list(@Query() query: ActivityLogQueryDto, @RequestMeta() meta: RequestMeta): Promise<Page<ActivityLogEntry>> {
    return this.queries.execute(
      new ListActivityLogQuery(meta.actor, {
        ...(query.startDate !== undefined ? { startDate: query.startDate } : {}),
        ...(query.endDate !== undefined ? { endDate: query.endDate } : {}),
        ...(query.operationType !== undefined ? { operationType: query.operationType } : {}),
        ...pageRequestFrom(query),
      }),
    );
  }
}
