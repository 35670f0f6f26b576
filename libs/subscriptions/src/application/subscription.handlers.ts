import { Inject } from '@nestjs/common';
import { Command, CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { randomUUID } from 'node:crypto';
import { toApiMoney } from '../../../core/src';
import { CatalogService } from '../../../catalog/src/application/catalog.service';
import { catalogItemIdOf, parseCatalogItemId } from '../../../catalog/src/domain/catalog-item-id';
import type { BillingCycle, TermDuration } from '../../../catalog/src/domain/catalog.types';
import type { CommandContext } from '../../../event-store/src/handle-command';
import { EVENT_STORE, type EventStore } from '../../../event-store/src/port';
import { PartnerDirectory } from '../../../partners/src/application/partner-directory';
import { alignableSubscriptions } from '../domain/checkout';
import { allowedCustomTermEndDates } from '../domain/coterminosity';
import type { ResellerChange, SubscriptionChanges } from '../domain/subscription.commands';
import type { ExistingSubscription } from '../domain/subscription.decider';
import type { ScheduledNextTermInstructions, SubscriptionCancelledData, SubscriptionPartiallyUpgradedData } from '../domain/subscription.events';
import { addDays, endInstantOf } from '../domain/terms';
import { SubscriptionQueries } from '../read-models/subscription.queries';
import { appendPurchase, subscriptionStream } from './streams';
import { SubscriptionStore } from './subscription-store';
import { subscriptionViewAt, type ApiMoney, type SubscriptionView } from './views';

export interface SubscriptionUpdateInput {
  quantity?: number;
  autoRenewEnabled?: boolean;
  friendlyName?: string;
  /** A reseller's MPN id; null removes it. */
  partnerId?: string | null;
  status?: 'suspended' | 'active';
}

export class UpdateSubscriptionCommand extends Command<SubscriptionView> {
  constructor(
    readonly customerId: string,
    readonly subscriptionId: string,
    readonly input: SubscriptionUpdateInput,
    readonly context: CommandContext,
  ) {
    super();
  }
}

/** PATCH: changes only the fields it sends (R-SUB-4, R-SUB-10, R-CANCEL-2, R-IND-2). */
@CommandHandler(UpdateSubscriptionCommand)
export class UpdateSubscriptionHandler implements ICommandHandler<UpdateSubscriptionCommand, SubscriptionView> {
  constructor(
    private readonly subscriptions: SubscriptionStore,
    private readonly partners: PartnerDirectory,
  ) {}

  async execute({ customerId, subscriptionId, input, context }: UpdateSubscriptionCommand): Promise<SubscriptionView> {
    const now = context.now.toISOString();
    const result = await this.subscriptions.execute(customerId, subscriptionId, context, async ({ state }) => {
      const changes: SubscriptionChanges = {};
      if (input.quantity !== undefined) changes.quantity = input.quantity;
      if (input.autoRenewEnabled !== undefined) changes.autoRenewEnabled = input.autoRenewEnabled;
      if (input.friendlyName !== undefined) changes.friendlyName = input.friendlyName;
      if (input.status !== undefined) changes.status = input.status;
      if (input.partnerId !== undefined) changes.reseller = await this.resellerChange(state, input.partnerId);
      return { type: 'UpdateSubscription', subscriptionId, now, actor: context.actor, changes };
    });
    return subscriptionViewAt(result.state, result.version, now);
  }

  private async resellerChange(state: ExistingSubscription, partnerId: string | null): Promise<ResellerChange> {
    const [owner, reseller] = await Promise.all([this.partners.get(state.partnerTenantId), partnerId === null ? null : this.partners.findByPartnerId(partnerId)]);
    return {
      partnerId,
      partner: reseller ? { tenantId: reseller.partnerTenantId, kind: reseller.kind, region: reseller.region } : null,
      owner: owner.exists ? { kind: owner.kind, region: owner.region } : { kind: 'direct', region: '' },
    };
  }
}

export interface CancelledSubscriptionView extends SubscriptionView {
  refund: { amount: ApiMoney; type: 'Full' | 'Partial' };
}

export class CancelSubscriptionCommand extends Command<CancelledSubscriptionView> {
  constructor(
    readonly customerId: string,
    readonly subscriptionId: string,
    readonly context: CommandContext,
  ) {
    super();
  }
}

/** R-CANCEL-1. */
@CommandHandler(CancelSubscriptionCommand)
export class CancelSubscriptionHandler implements ICommandHandler<CancelSubscriptionCommand, CancelledSubscriptionView> {
  constructor(private readonly subscriptions: SubscriptionStore) {}

  async execute({ customerId, subscriptionId, context }: CancelSubscriptionCommand): Promise<CancelledSubscriptionView> {
    const now = context.now.toISOString();
    const result = await this.subscriptions.execute(customerId, subscriptionId, context, () => ({
      type: 'CancelSubscription',
      subscriptionId,
      now,
      actor: context.actor,
    }));
    const cancelled = result.appended.find((e) => e.type === 'SubscriptionCancelled')?.data as SubscriptionCancelledData;
    const refund = cancelled.refund.amount;
    return {
      ...subscriptionViewAt(result.state, result.version, now),
      refund: { amount: toApiMoney({ minor: -refund.minor, currency: refund.currency }), type: cancelled.refundType },
    };
  }
}

export interface ScheduledChangesInput {
  catalogItemId?: string;
  quantity?: number;
  termDuration?: TermDuration;
  billingCycle?: BillingCycle;
  customTermEndDate?: string;
  promotionId?: string;
}

export class SetScheduledChangesCommand extends Command<SubscriptionView> {
  constructor(
    readonly customerId: string,
    readonly subscriptionId: string,
    readonly input: ScheduledChangesInput,
    readonly context: CommandContext,
  ) {
    super();
  }
}

/** R-SUB-5: what the next term will be; fields not sent keep the current term's values. */
@CommandHandler(SetScheduledChangesCommand)
export class SetScheduledChangesHandler implements ICommandHandler<SetScheduledChangesCommand, SubscriptionView> {
  constructor(
    private readonly subscriptions: SubscriptionStore,
    private readonly catalog: CatalogService,
    private readonly queries: SubscriptionQueries,
  ) {}

  async execute({ customerId, subscriptionId, input, context }: SetScheduledChangesCommand): Promise<SubscriptionView> {
    const now = context.now.toISOString();
    const result = await this.subscriptions.execute(customerId, subscriptionId, context, async ({ state }) => {
      const termDuration = input.termDuration ?? state.termDuration;
      const billingCycle = input.billingCycle ?? state.billingCycle;
      const catalogItemId = await this.targetItem(input.catalogItemId ?? state.offer.catalogItemId, termDuration);
      const instructions: ScheduledNextTermInstructions = {
        catalogItemId,
        quantity: input.quantity ?? state.quantity,
        termDuration,
        billingCycle,
        ...(input.customTermEndDate !== undefined ? { customTermEndDate: input.customTermEndDate } : {}),
        ...(input.promotionId !== undefined ? { promotionId: input.promotionId } : {}),
      };
      const target = await this.catalog.quote({
        catalogItemId,
        market: state.offer.market,
        currency: state.pricing.unitPrice.currency,
        termDuration,
        billingCycle,
        at: endInstantOf(state.commitmentEndDate),
        ...(input.promotionId !== undefined ? { promotionId: input.promotionId } : {}),
      });
      let allowed: string[] = [];
      if (input.customTermEndDate !== undefined) {
        const others = alignableSubscriptions(await this.queries.customerSubscriptions(state.customerId), state.partnerTenantId).filter(
          (s) => s.subscriptionId !== state.subscriptionId,
        );
        allowed = allowedCustomTermEndDates(addDays(state.commitmentEndDate, 1), termDuration, others).map((d) => d.customTermEndDate);
      }
      return { type: 'SetScheduledChanges', subscriptionId, now, actor: context.actor, instructions, target, allowedCustomTermEndDates: allowed };
    });
    return subscriptionViewAt(result.state, result.version, now);
  }

  /** A term change names the availability of the same SKU with that term, when the item has another term. */
  private async targetItem(catalogItemId: string, termDuration: TermDuration): Promise<string> {
    const ref = parseCatalogItemId(catalogItemId);
    if (!ref) return catalogItemId;
    const product = await this.catalog.getProduct(ref.productId);
    const sku = product?.skus.find((s) => s.id === ref.skuId);
    const current = sku?.availabilities.find((a) => a.id === ref.availabilityId);
    if (!sku || !current || current.termDuration === termDuration) return catalogItemId;
    const other = sku.availabilities.find((a) => a.termDuration === termDuration);
    return other ? catalogItemIdOf(ref.productId, ref.skuId, other.id) : catalogItemId;
  }
}

export class ClearScheduledChangesCommand extends Command<SubscriptionView> {
  constructor(
    readonly customerId: string,
    readonly subscriptionId: string,
    readonly context: CommandContext,
  ) {
    super();
  }
}

@CommandHandler(ClearScheduledChangesCommand)
export class ClearScheduledChangesHandler implements ICommandHandler<ClearScheduledChangesCommand, SubscriptionView> {
  constructor(private readonly subscriptions: SubscriptionStore) {}

  async execute({ customerId, subscriptionId, context }: ClearScheduledChangesCommand): Promise<SubscriptionView> {
    const now = context.now.toISOString();
    const result = await this.subscriptions.execute(customerId, subscriptionId, context, () => ({
      type: 'ClearScheduledChanges',
      subscriptionId,
      now,
      actor: context.actor,
    }));
    return subscriptionViewAt(result.state, result.version, now);
  }
}

export interface TransitionResult {
  transitionType: 'full' | 'partial';
  status: 'completed';
  fromSubscriptionId: string;
  toSubscriptionId: string;
  fromCatalogItemId: string;
  toCatalogItemId: string;
  quantity: number;
  /** The source after the upgrade (the upgraded subscription itself for a full upgrade). */
  subscription: SubscriptionView;
  /** The subscription a partial upgrade created. */
  newSubscription?: SubscriptionView;
}

export class TransitionSubscriptionCommand extends Command<TransitionResult> {
  constructor(
    readonly customerId: string,
    readonly subscriptionId: string,
    readonly input: { toCatalogItemId: string; quantity: number },
    readonly context: CommandContext,
  ) {
    super();
  }
}

/** R-SUB-8 immediate upgrades: full (same id) or partial (a new subscription for N seats). */
@CommandHandler(TransitionSubscriptionCommand)
export class TransitionSubscriptionHandler implements ICommandHandler<TransitionSubscriptionCommand, TransitionResult> {
  constructor(
    @Inject(EVENT_STORE) private readonly store: EventStore,
    private readonly subscriptions: SubscriptionStore,
    private readonly catalog: CatalogService,
  ) {}

  async execute({ customerId, subscriptionId, input, context }: TransitionSubscriptionCommand): Promise<TransitionResult> {
    const now = context.now.toISOString();
    const newSubscriptionId = randomUUID();
    let fromCatalogItemId = '';
    const result = await this.subscriptions.execute(customerId, subscriptionId, context, async ({ state, events }) => {
      await this.finishPartialUpgrades(events.map((e) => e as unknown as { type: string; data: unknown }), context);
      fromCatalogItemId = state.offer.catalogItemId;
      const target = await this.catalog.quote({
        catalogItemId: input.toCatalogItemId,
        market: state.offer.market,
        currency: state.pricing.unitPrice.currency,
        termDuration: state.termDuration,
        billingCycle: state.billingCycle,
        at: context.now,
      });
      return { type: 'UpgradeSubscription', subscriptionId, now, actor: context.actor, toCatalogItemId: input.toCatalogItemId, target, quantity: input.quantity, newSubscriptionId };
    }, { fresh: true });
    const partial = result.appended.find((e) => e.type === 'SubscriptionPartiallyUpgraded')?.data as SubscriptionPartiallyUpgradedData | undefined;
    const subscription = subscriptionViewAt(result.state, result.version, now);
    if (!partial) {
      return {
        transitionType: 'full',
        status: 'completed',
        fromSubscriptionId: subscriptionId,
        toSubscriptionId: subscriptionId,
        fromCatalogItemId,
        toCatalogItemId: result.state.offer.catalogItemId,
        quantity: result.state.quantity,
        subscription,
      };
    }
    await appendPurchase(this.store, partial.newSubscription, context);
    const created = await this.subscriptions.load(partial.toSubscriptionId);
    return {
      transitionType: 'partial',
      status: 'completed',
      fromSubscriptionId: subscriptionId,
      toSubscriptionId: partial.toSubscriptionId,
      fromCatalogItemId,
      toCatalogItemId: partial.toCatalogItemId,
      quantity: partial.quantity,
      subscription,
      ...(created ? { newSubscription: subscriptionViewAt(created.state, created.version, now) } : {}),
    };
  }

  /** A partial upgrade whose new subscription was never written (the process stopped in between). */
  private async finishPartialUpgrades(events: Array<{ type: string; data: unknown }>, context: CommandContext): Promise<void> {
    const last = [...events].reverse().find((e) => e.type === 'SubscriptionPartiallyUpgraded');
    if (!last) return;
    const data = last.data as SubscriptionPartiallyUpgradedData;
    const { version } = await this.store.readStream(subscriptionStream(data.toSubscriptionId));
    if (version < 0) await appendPurchase(this.store, data.newSubscription, context);
  }
}
