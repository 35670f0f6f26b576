import { Query, QueryHandler, type IQueryHandler } from '@nestjs/cqrs';
import { DomainError, type Actor } from '../../../core/src';
import { CatalogService } from '../../../catalog/src/application/catalog.service';
import { catalogItemIdOf, parseSkuRef } from '../../../catalog/src/domain/catalog-item-id';
import type { BillingCycle, TermDuration } from '../../../catalog/src/domain/catalog.types';
import { Clock } from '../../../clock/src';
import { CustomerAccess } from '../../../customers/src/application/customer-access';
import { isOperator } from '../../../auth/src/tenant';
import { PartnerDirectory } from '../../../partners/src/application/partner-directory';
import type { Page } from '../../../partners/src/read-models/paging';
import { alignableSubscriptions } from '../domain/checkout';
import { allowedCustomTermEndDates, type CustomTermEndDate } from '../domain/coterminosity';
import { termEndsAt, type ExistingSubscription } from '../domain/subscription.decider';
import type { SubscriptionStatus } from '../domain/subscription.events';
import { utcDate } from '../domain/terms';
import { SubscriptionQueries, type SubscriptionListItem } from '../read-models/subscription.queries';
import { SubscriptionStore } from './subscription-store';
import { subscriptionViewAt, type OrderView, type SubscriptionView } from './views';

export class GetSubscriptionQuery extends Query<SubscriptionView> {
  constructor(
    readonly actor: Actor,
    readonly customerId: string,
    readonly subscriptionId: string,
    /** ISO instant: the state as of then, folded from the events that occurred by then. */
    readonly asOf?: string,
  ) {
    super();
  }
}

@QueryHandler(GetSubscriptionQuery)
export class GetSubscriptionHandler implements IQueryHandler<GetSubscriptionQuery, SubscriptionView> {
  constructor(
    private readonly subscriptions: SubscriptionStore,
    private readonly clock: Clock,
  ) {}

  async execute({ actor, customerId, subscriptionId, asOf }: GetSubscriptionQuery): Promise<SubscriptionView> {
    const { state, version } = await this.subscriptions.visible(actor, customerId, subscriptionId, 'read', asOf);
    return subscriptionViewAt(state, version, asOf ?? this.clock.now().toISOString());
  }
}

export interface HistoryEntry {
  eventId: string;
  type: string;
  streamVersion: number;
  occurredAt: string;
  recordedAt: string;
  data: unknown;
  metadata: { actor: Actor; correlationId: string; causationId: string };
}

export class SubscriptionHistoryQuery extends Query<{ items: HistoryEntry[] }> {
  constructor(
    readonly actor: Actor,
    readonly customerId: string,
    readonly subscriptionId: string,
  ) {
    super();
  }
}

/** The subscription's events with who did what (R-EVT-2). */
@QueryHandler(SubscriptionHistoryQuery)
export class SubscriptionHistoryHandler implements IQueryHandler<SubscriptionHistoryQuery, { items: HistoryEntry[] }> {
  constructor(private readonly subscriptions: SubscriptionStore) {}

  async execute({ actor, customerId, subscriptionId }: SubscriptionHistoryQuery): Promise<{ items: HistoryEntry[] }> {
    const { events } = await this.subscriptions.visible(actor, customerId, subscriptionId);
    return {
      items: events.map((event) => ({
        eventId: event.eventId,
        type: event.type,
        streamVersion: event.streamVersion,
        occurredAt: event.metadata.occurredAt,
        recordedAt: event.recordedAt,
        data: event.data,
        metadata: { actor: event.metadata.actor, correlationId: event.metadata.correlationId, causationId: event.metadata.causationId },
      })),
    };
  }
}

/**
 * R-TENANT-1 for lists under a customer: the customer must be visible to the caller (or the caller
 * resells one of its subscriptions), otherwise 404.
 */
async function requireCustomerListAccess(customers: CustomerAccess, queries: SubscriptionQueries, actor: Actor, customerId: string): Promise<void> {
  try {
    await customers.visibleTo(actor, customerId);
  } catch (error) {
    if (error instanceof DomainError && error.kind === 'not-found' && (await queries.isResellerOfAny(actor, customerId))) return;
    throw error;
  }
}

export class ListSubscriptionsQuery extends Query<Page<SubscriptionListItem>> {
  constructor(
    readonly actor: Actor,
    readonly customerId: string,
    readonly filter: { status?: SubscriptionStatus; endsBefore?: string; limit: number; continuationToken?: string },
  ) {
    super();
  }
}

@QueryHandler(ListSubscriptionsQuery)
export class ListSubscriptionsHandler implements IQueryHandler<ListSubscriptionsQuery, Page<SubscriptionListItem>> {
  constructor(
    private readonly customers: CustomerAccess,
    private readonly queries: SubscriptionQueries,
    private readonly clock: Clock,
  ) {}

  async execute({ actor, customerId, filter }: ListSubscriptionsQuery): Promise<Page<SubscriptionListItem>> {
    await requireCustomerListAccess(this.customers, this.queries, actor, customerId);
    return this.queries.listSubscriptions(actor, customerId, filter, this.clock.now());
  }
}

export class ListOrdersQuery extends Query<Page<OrderView>> {
  constructor(
    readonly actor: Actor,
    readonly customerId: string,
    readonly filter: { limit: number; continuationToken?: string },
  ) {
    super();
  }
}

/** The customer's order history (R-SUB-1), from the orders read model. */
@QueryHandler(ListOrdersQuery)
export class ListOrdersHandler implements IQueryHandler<ListOrdersQuery, Page<OrderView>> {
  constructor(
    private readonly customers: CustomerAccess,
    private readonly queries: SubscriptionQueries,
    private readonly partners: PartnerDirectory,
  ) {}

  async execute({ actor, customerId, filter }: ListOrdersQuery): Promise<Page<OrderView>> {
    await requireCustomerListAccess(this.customers, this.queries, actor, customerId);
    // Order lines name their reseller by MPN id: a reseller's own lines are those with its id.
    const partner = isOperator(actor) || actor.tenantId === customerId ? null : await this.partners.get(actor.tenantId);
    return this.queries.listOrders(actor, customerId, filter, partner?.exists ? partner.partnerId : null);
  }
}

export class CustomTermEndDatesQuery extends Query<{ items: CustomTermEndDate[] }> {
  constructor(
    readonly actor: Actor,
    readonly customerId: string,
    readonly termDuration: TermDuration,
    /** The term's first day; default today. */
    readonly termStartDate?: string,
  ) {
    super();
  }
}

/** R-SUB-3: the end dates a new term may be aligned to, for this customer and term. */
@QueryHandler(CustomTermEndDatesQuery)
export class CustomTermEndDatesHandler implements IQueryHandler<CustomTermEndDatesQuery, { items: CustomTermEndDate[] }> {
  constructor(
    private readonly customers: CustomerAccess,
    private readonly queries: SubscriptionQueries,
    private readonly clock: Clock,
  ) {}

  async execute({ actor, customerId, termDuration, termStartDate }: CustomTermEndDatesQuery): Promise<{ items: CustomTermEndDate[] }> {
    await this.customers.visibleTo(actor, customerId);
    const others = alignableSubscriptions(await this.queries.customerSubscriptions(customerId), actor.tenantId);
    return { items: allowedCustomTermEndDates(termStartDate ?? utcDate(this.clock.now()), termDuration, others) };
  }
}

export type EligibilityType = 'immediate' | 'scheduled';

export interface TransitionEligibility {
  catalogItemId: string;
  productId: string;
  skuId: string;
  availabilityId: string;
  title: string;
  termDuration: TermDuration | null;
  billingCycle: BillingCycle;
  eligibilityType: EligibilityType;
  isEligible: boolean;
  errors: Array<{ code: string; description: string }>;
}

export class TransitionEligibilitiesQuery extends Query<{ items: TransitionEligibility[] }> {
  constructor(
    readonly actor: Actor,
    readonly customerId: string,
    readonly subscriptionId: string,
    readonly eligibilityType: EligibilityType,
  ) {
    super();
  }
}

/**
 * R-SUB-8 R-CAT-8: the upgrade targets of the subscription's SKU, each with whether it can be
 * taken now (same term and billing plan) or at renewal (any term of the target SKU).
 */
@QueryHandler(TransitionEligibilitiesQuery)
export class TransitionEligibilitiesHandler implements IQueryHandler<TransitionEligibilitiesQuery, { items: TransitionEligibility[] }> {
  constructor(
    private readonly subscriptions: SubscriptionStore,
    private readonly catalog: CatalogService,
    private readonly clock: Clock,
  ) {}

  async execute({ actor, customerId, subscriptionId, eligibilityType }: TransitionEligibilitiesQuery): Promise<{ items: TransitionEligibility[] }> {
    const { state } = await this.subscriptions.visible(actor, customerId, subscriptionId);
    const now = this.clock.now().toISOString();
    const blockers = subscriptionBlockers(state, now, eligibilityType);
    const at = eligibilityType === 'immediate' ? now : termEndsAt(state);
    const items: TransitionEligibility[] = [];
    for (const skuRef of state.offer.upgradeTargetSkuIds) {
      const ref = parseSkuRef(skuRef);
      if (!ref) continue;
      const product = await this.catalog.getProduct(ref.productId);
      const sku = product?.skus.find((s) => s.id === ref.skuId);
      if (!sku) continue;
      const availabilities = sku.availabilities.filter((a) => (eligibilityType === 'immediate' ? a.termDuration === state.termDuration : a.termDuration !== null));
      for (const availability of availabilities) {
        const billingCycle = availability.billingCycles.includes(state.billingCycle) ? state.billingCycle : availability.billingCycles[0];
        const catalogItemId = catalogItemIdOf(ref.productId, ref.skuId, availability.id);
        const quote = await this.catalog.quote({
          catalogItemId,
          market: state.offer.market,
          currency: state.pricing.unitPrice.currency,
          termDuration: availability.termDuration,
          billingCycle,
          at,
        });
        const errors = [...blockers];
        if (!quote.ok) errors.push({ code: quote.refusal.code, description: quote.refusal.message });
        if (eligibilityType === 'immediate' && billingCycle !== state.billingCycle) {
          errors.push({ code: 'billing-plan-not-offered', description: `${catalogItemId} is not billed ${state.billingCycle}` });
        }
        items.push({
          catalogItemId,
          productId: ref.productId,
          skuId: ref.skuId,
          availabilityId: availability.id,
          title: sku.title,
          termDuration: availability.termDuration,
          billingCycle,
          eligibilityType,
          isEligible: errors.length === 0,
          errors,
        });
      }
    }
    return { items };
  }
}

function subscriptionBlockers(state: ExistingSubscription, now: string, type: EligibilityType): Array<{ code: string; description: string }> {
  const errors: Array<{ code: string; description: string }> = [];
  if (state.status !== 'active') errors.push({ code: 'subscription-not-active', description: `the subscription is ${state.status}` });
  if (!state.offer.exchangeable) errors.push({ code: 'not-exchangeable', description: `${state.offer.skuTitle} can not be exchanged or upgraded` });
  if (now >= termEndsAt(state)) errors.push({ code: 'term-ended', description: `the term ended on ${state.commitmentEndDate}` });
  if (type === 'scheduled' && !state.autoRenewEnabled) {
    errors.push({ code: 'auto-renew-required', description: 'an upgrade at renewal needs auto-renew on' });
  }
  return errors;
}

