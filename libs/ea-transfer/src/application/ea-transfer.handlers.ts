import { Inject } from '@nestjs/common';
import { Command, CommandHandler, Query, QueryHandler, type ICommandHandler, type IQueryHandler } from '@nestjs/cqrs';
import { notFound, ruleViolation, type Actor } from '../../../core/src';
import { isOperator } from '../../../auth/src/tenant';
import { CatalogService } from '../../../catalog/src/application/catalog.service';
import type { BillingCycle, TermDuration } from '../../../catalog/src/domain/catalog.types';
import { offerRefusalError } from '../../../catalog/src/domain/offer';
import { Clock } from '../../../clock/src';
import { CustomerAccess } from '../../../customers/src/application/customer-access';
import { handleCommand, type CommandContext } from '../../../event-store/src/handle-command';
import { EVENT_STORE, type EventStore } from '../../../event-store/src/port';
import { PartnerDirectory } from '../../../partners/src/application/partner-directory';
import type { Page } from '../../../partners/src/read-models/paging';
import { alignableSubscriptions } from '../../../subscriptions/src/domain/checkout';
import { allowedCustomTermEndDates } from '../../../subscriptions/src/domain/coterminosity';
import { offerMaxQuantity } from '../../../subscriptions/src/domain/purchase';
import { customEndDateRefused } from '../../../subscriptions/src/domain/subscription.decider';
import { SubscriptionQueries } from '../../../subscriptions/src/read-models/subscription.queries';
import { eaAgreementDecider, findEaSubscription, type EaAgreementInput } from '../domain/ea-agreement';
import { cspStartDateOf, eaRenewalDecider, renewalHolder } from '../domain/ea-renewal';
import type { TermEndAlignmentType } from '../domain/ea-transfer.events';
import { agreementEligibility, cspAvailability, isAgreementVisible } from '../domain/ea-visibility';
import { EaTransferQueries, type ActivityLogEntry, type ActivityLogFilter } from '../read-models/ea-transfer.queries';
import { importRequestsOf, requestEaImports } from './ea-partner-imports';
import { EaTransferReader } from './ea-transfer.reader';
import { eaAgreementIdOf, eaAgreementStream, eaRenewalIdOf, eaRenewalStream } from './streams';
import {
  cspRenewalViewOf,
  eaAgreementViewAt,
  eaSubscriptionView,
  type CspRenewalView,
  type EaAgreementImportResult,
  type EaAgreementView,
  type EaSubscriptionView,
} from './views';

// --- operator import (R-EA-1, R-EA-14) ----------------------------------------------------------------

export class ImportEaAgreementCommand extends Command<EaAgreementImportResult> {
  constructor(
    readonly input: EaAgreementInput,
    readonly context: CommandContext,
  ) {
    super();
  }
}

/**
 * The operator's import. When it wrote something, the EA import of every partner related to the
 * customer now is asked for (R-EA-15: they see the data once their job ran); partners related
 * later are asked for by the EaPartnerImports sweep.
 */
@CommandHandler(ImportEaAgreementCommand)
export class ImportEaAgreementHandler implements ICommandHandler<ImportEaAgreementCommand, EaAgreementImportResult> {
  constructor(
    @Inject(EVENT_STORE) private readonly store: EventStore,
    private readonly customers: CustomerAccess,
  ) {}

  async execute({ input, context }: ImportEaAgreementCommand): Promise<EaAgreementImportResult> {
    const agreementId = eaAgreementIdOf(input.agreementNumber);
    const now = context.now.toISOString();
    const { events, state } = await handleCommand(this.store, eaAgreementDecider, eaAgreementStream(agreementId), { type: 'ImportEaAgreement', agreementId, agreement: input, now }, context);
    if (!state.exists) throw new Error(`EA agreement ${agreementId} is not readable after its import`);
    if (events.length > 0) {
      const { state: customer } = await this.customers.load(state.customerId);
      await requestEaImports(this.store, state.customerId, importRequestsOf(customer), context);
    }
    const result = events.length === 0 ? 'unchanged' : events[0].type === 'EaAgreementImported' ? 'created' : 'subscriptions-added';
    return { agreement: eaAgreementViewAt(state, now), subscriptions: state.subscriptions, result };
  }
}

// --- what a partner sees (R-EA-2 .. R-EA-6, R-EA-8, R-EA-15) ------------------------------------------

export class ListEaAgreementsQuery extends Query<{ items: EaAgreementView[] }> {
  constructor(
    readonly actor: Actor,
    readonly customerId: string,
  ) {
    super();
  }
}

@QueryHandler(ListEaAgreementsQuery)
export class ListEaAgreementsHandler implements IQueryHandler<ListEaAgreementsQuery, { items: EaAgreementView[] }> {
  constructor(
    private readonly reader: EaTransferReader,
    private readonly queries: EaTransferQueries,
    private readonly clock: Clock,
  ) {}

  async execute({ actor, customerId }: ListEaAgreementsQuery): Promise<{ items: EaAgreementView[] }> {
    const { granted } = await this.reader.partnerAccess(actor, customerId);
    // R-EA-15: until the import for the caller's relationship ran, the agreements are not there yet.
    if (!granted) return { items: [] };
    const now = this.clock.now().toISOString();
    const rows = await this.queries.agreementsOf(customerId);
    return { items: rows.filter((row) => isOperator(actor) || isAgreementVisible(row.endDate, now)).map((row) => eaAgreementViewAt(row, now)) };
  }
}

export class GetEaAgreementQuery extends Query<EaAgreementView> {
  constructor(
    readonly actor: Actor,
    readonly customerId: string,
    readonly agreementId: string,
  ) {
    super();
  }
}

@QueryHandler(GetEaAgreementQuery)
export class GetEaAgreementHandler implements IQueryHandler<GetEaAgreementQuery, EaAgreementView> {
  constructor(
    private readonly reader: EaTransferReader,
    private readonly clock: Clock,
  ) {}

  async execute({ actor, customerId, agreementId }: GetEaAgreementQuery): Promise<EaAgreementView> {
    const now = this.clock.now().toISOString();
    const { agreement } = await this.reader.visibleAgreement(actor, customerId, agreementId, now);
    return eaAgreementViewAt(agreement, now);
  }
}

export class ListEaSubscriptionsQuery extends Query<{ items: EaSubscriptionView[] }> {
  constructor(
    readonly actor: Actor,
    readonly customerId: string,
    readonly agreementId: string,
  ) {
    super();
  }
}

@QueryHandler(ListEaSubscriptionsQuery)
export class ListEaSubscriptionsHandler implements IQueryHandler<ListEaSubscriptionsQuery, { items: EaSubscriptionView[] }> {
  constructor(
    private readonly reader: EaTransferReader,
    private readonly clock: Clock,
  ) {}

  async execute({ actor, customerId, agreementId }: ListEaSubscriptionsQuery): Promise<{ items: EaSubscriptionView[] }> {
    const { agreement } = await this.reader.visibleAgreement(actor, customerId, agreementId, this.clock.now().toISOString());
    const matches = new Map(
      await Promise.all([...new Set(agreement.subscriptions.map((s) => s.provisioningId))].map(async (id) => [id, await this.reader.cspMatch(id)] as const)),
    );
    const renewals = await Promise.all(agreement.subscriptions.map((s) => this.reader.renewal(agreementId, s.id)));
    const items = agreement.subscriptions.map((subscription, index) => {
      const renewal = renewals[index];
      const match = matches.get(subscription.provisioningId) ?? null;
      const availability = cspAvailability({ subscription, agreement, match, holder: renewalHolder(renewal), partnerTenantId: actor.tenantId });
      const own = renewal.exists && renewal.partnerTenantId === actor.tenantId ? renewal : null;
      return eaSubscriptionView(agreementId, subscription, availability, match, own);
    });
    return { items };
  }
}

export class GetCspRenewalQuery extends Query<CspRenewalView> {
  constructor(
    readonly actor: Actor,
    readonly customerId: string,
    readonly agreementId: string,
    readonly eaSubscriptionId: string,
  ) {
    super();
  }
}

@QueryHandler(GetCspRenewalQuery)
export class GetCspRenewalHandler implements IQueryHandler<GetCspRenewalQuery, CspRenewalView> {
  constructor(
    private readonly reader: EaTransferReader,
    private readonly clock: Clock,
  ) {}

  async execute({ actor, customerId, agreementId, eaSubscriptionId }: GetCspRenewalQuery): Promise<CspRenewalView> {
    const { agreement } = await this.reader.visibleAgreement(actor, customerId, agreementId, this.clock.now().toISOString());
    if (!findEaSubscription(agreement, eaSubscriptionId)) throw notFound('ea-subscription', eaSubscriptionId);
    const renewal = await this.reader.renewal(agreementId, eaSubscriptionId);
    // R-TENANT-1: another partner's schedule is not the caller's to read.
    if (!renewal.exists || renewal.status === 'cancelled' || (renewal.partnerTenantId !== actor.tenantId && !isOperator(actor))) {
      throw notFound('csp-renewal', eaSubscriptionId);
    }
    return cspRenewalViewOf(renewal);
  }
}

// --- schedules (R-EA-7, R-EA-8) -------------------------------------------------------------------------

export interface CspRenewalInput {
  termDuration: TermDuration;
  billingCycle: BillingCycle;
  quantity: number;
  customTermEndDate?: string;
}

export class ScheduleCspRenewalCommand extends Command<CspRenewalView> {
  constructor(
    readonly customerId: string,
    readonly agreementId: string,
    readonly eaSubscriptionId: string,
    readonly input: CspRenewalInput,
    readonly context: CommandContext,
  ) {
    super();
  }
}

/**
 * "Renew to CSP": every check that can refuse runs before the one write, so a refused request
 * writes nothing. The write goes to the EA subscription's own stream with its expected version:
 * of two partners scheduling at once exactly one wins, the other is refused (R-EA-8).
 */
@CommandHandler(ScheduleCspRenewalCommand)
export class ScheduleCspRenewalHandler implements ICommandHandler<ScheduleCspRenewalCommand, CspRenewalView> {
  constructor(
    @Inject(EVENT_STORE) private readonly store: EventStore,
    private readonly reader: EaTransferReader,
    private readonly partners: PartnerDirectory,
    private readonly customers: CustomerAccess,
    private readonly catalog: CatalogService,
    private readonly subscriptions: SubscriptionQueries,
  ) {}

  async execute({ customerId, agreementId, eaSubscriptionId, input, context }: ScheduleCspRenewalCommand): Promise<CspRenewalView> {
    const { actor } = context;
    const now = context.now.toISOString();
    const { agreement } = await this.reader.visibleAgreement(actor, customerId, agreementId, now);
    const subscription = findEaSubscription(agreement, eaSubscriptionId);
    if (!subscription) throw notFound('ea-subscription', eaSubscriptionId);
    const partner = await this.partners.get(actor.tenantId);
    if (!partner.exists) throw ruleViolation('partner-not-onboarded', `tenant ${actor.tenantId} is not an onboarded partner`);
    if (partner.kind === 'indirect-reseller') {
      throw ruleViolation('indirect-reseller-cannot-purchase', 'EA renewals to CSP are scheduled by direct-bill partners and indirect providers');
    }
    const customer = await this.customers.requireTransactable(actor.tenantId, customerId);

    if (!agreementEligibility(agreement).eligible) {
      throw ruleViolation('ea-not-eligible', `EA agreement ${agreement.agreementNumber} is in its extended term (EPT) and cannot be renewed to CSP`, { reason: 'extended-term' });
    }
    if (subscription.segment !== 'commercial') {
      throw ruleViolation('ea-not-eligible', `only commercial EA subscriptions can be renewed to CSP; use the catalog (manual path) instead`, { reason: 'not-commercial' });
    }
    const match = await this.reader.cspMatch(subscription.provisioningId);
    if (!match) {
      throw ruleViolation('ea-not-eligible', `no CSP SKU has the provisioning id ${subscription.provisioningId}`, { reason: 'no-equivalent-sku' });
    }
    const offer = match.offers.find((o) => o.termDuration === input.termDuration);
    if (!offer) {
      throw ruleViolation('term-not-offered', `${match.skuTitle} is not offered with term ${input.termDuration}`, { termDurations: match.offers.map((o) => o.termDuration) });
    }
    if (!offer.billingCycles.includes(input.billingCycle)) {
      throw ruleViolation('billing-plan-not-offered', `${offer.catalogItemId} is not billed ${input.billingCycle}`, { billingCycles: offer.billingCycles });
    }
    const quote = await this.catalog.quote({
      catalogItemId: offer.catalogItemId,
      market: customer.country,
      currency: partner.currency,
      termDuration: input.termDuration,
      billingCycle: input.billingCycle,
      at: now,
      allowEndOfSale: true,
    });
    // The price is the one in force at processing (R-EA-12); other refusals hold now already.
    if (!quote.ok && quote.refusal.code !== 'no-price') throw offerRefusalError(quote.refusal);
    if (quote.ok && input.quantity > offerMaxQuantity(quote.offer)) {
      throw ruleViolation('quantity-above-maximum', `quantity ${input.quantity} is above the offer's maximum of ${offerMaxQuantity(quote.offer)}`, {
        quantity: input.quantity,
        maximum: offerMaxQuantity(quote.offer),
      });
    }
    const alignment = input.customTermEndDate === undefined ? undefined : await this.alignment(customerId, actor.tenantId, subscription.endDate, input.termDuration, input.customTermEndDate);

    const renewalId = eaRenewalIdOf(agreementId, eaSubscriptionId);
    const { state } = await handleCommand(
      this.store,
      eaRenewalDecider,
      eaRenewalStream(renewalId),
      {
        type: 'ScheduleEaRenewal',
        renewalId,
        agreementId,
        agreementNumber: agreement.agreementNumber,
        eaSubscriptionId,
        eaProductName: subscription.productName,
        customerId,
        partnerTenantId: actor.tenantId,
        userId: actor.userId,
        catalogItemId: offer.catalogItemId,
        termDuration: input.termDuration,
        billingCycle: input.billingCycle,
        quantity: input.quantity,
        ...(input.customTermEndDate !== undefined ? { customTermEndDate: input.customTermEndDate, termEndAlignment: alignment } : {}),
        eaEndDate: subscription.endDate,
        now,
      },
      context,
    );
    if (!state.exists) throw new Error(`EA renewal ${renewalId} is not readable after it was scheduled`);
    return cspRenewalViewOf(state);
  }

  /** R-SUB-3 for the first CSP term: calendar month or one of the partner's own subscriptions. */
  private async alignment(customerId: string, partnerTenantId: string, eaEndDate: string, term: TermDuration, date: string): Promise<TermEndAlignmentType> {
    const others = alignableSubscriptions(await this.subscriptions.customerSubscriptions(customerId), partnerTenantId);
    const allowed = allowedCustomTermEndDates(cspStartDateOf(eaEndDate), term, others);
    const found = allowed.find((a) => a.customTermEndDate === date);
    if (!found) throw customEndDateRefused(date, allowed.map((a) => a.customTermEndDate));
    return found.type;
  }
}

export class CancelCspRenewalCommand extends Command<void> {
  constructor(
    readonly customerId: string,
    readonly agreementId: string,
    readonly eaSubscriptionId: string,
    readonly context: CommandContext,
  ) {
    super();
  }
}

/** R-EA-7, R-EA-8: cancelling before processing frees the EA subscription for other partners. */
@CommandHandler(CancelCspRenewalCommand)
export class CancelCspRenewalHandler implements ICommandHandler<CancelCspRenewalCommand, void> {
  constructor(
    @Inject(EVENT_STORE) private readonly store: EventStore,
    private readonly reader: EaTransferReader,
  ) {}

  async execute({ customerId, agreementId, eaSubscriptionId, context }: CancelCspRenewalCommand): Promise<void> {
    const now = context.now.toISOString();
    const { agreement } = await this.reader.visibleAgreement(context.actor, customerId, agreementId, now);
    if (!findEaSubscription(agreement, eaSubscriptionId)) throw notFound('ea-subscription', eaSubscriptionId);
    const renewalId = eaRenewalIdOf(agreementId, eaSubscriptionId);
    await handleCommand(
      this.store,
      eaRenewalDecider,
      eaRenewalStream(renewalId),
      { type: 'CancelEaRenewal', renewalId, eaSubscriptionId, partnerTenantId: context.actor.tenantId, now },
      context,
    );
  }
}

// --- activity log (R-EA-11) -----------------------------------------------------------------------------

export class ListActivityLogQuery extends Query<Page<ActivityLogEntry>> {
  constructor(
    readonly actor: Actor,
    readonly filter: ActivityLogFilter,
  ) {
    super();
  }
}

@QueryHandler(ListActivityLogQuery)
export class ListActivityLogHandler implements IQueryHandler<ListActivityLogQuery, Page<ActivityLogEntry>> {
  constructor(private readonly queries: EaTransferQueries) {}

  execute({ actor, filter }: ListActivityLogQuery): Promise<Page<ActivityLogEntry>> {
    return this.queries.activityLog(actor, filter);
  }
}
