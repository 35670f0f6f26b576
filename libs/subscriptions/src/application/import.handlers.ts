import { Inject } from '@nestjs/common';
import { Command, CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { conflict, notFound } from '../../../core/src';
import { CatalogService } from '../../../catalog/src/application/catalog.service';
import { parseCatalogItemId } from '../../../catalog/src/domain/catalog-item-id';
import { CustomerAccess } from '../../../customers/src/application/customer-access';
import { relationshipOf } from '../../../customers/src/domain/customer.decider';
import { deterministicEventId } from '../../../event-store/src/event-id';
import type { CommandContext } from '../../../event-store/src/handle-command';
import { EVENT_STORE, NO_STREAM, WrongExpectedVersionError, type EventStore } from '../../../event-store/src/port';
import { PartnerDirectory } from '../../../partners/src/application/partner-directory';
import { decideImport, type SubscriptionImportInput } from '../domain/import';
import { metadataFor, subscriptionStream } from './streams';
import { SubscriptionStore } from './subscription-store';
import { subscriptionViewAt, type SubscriptionView } from './views';

/** One partner's import of one outside reference always names the same subscription. */
export const importedSubscriptionId = (partnerTenantId: string, source: string): string =>
  deterministicEventId('subscription-import', partnerTenantId, source);

export class ImportSubscriptionCommand extends Command<SubscriptionView> {
  constructor(
    readonly customerId: string,
    readonly input: SubscriptionImportInput,
    readonly context: CommandContext,
  ) {
    super();
  }
}

/**
 * Operator import (R-SUB-4): records a subscription bought elsewhere with its running term. Its id
 * follows from the partner and the reference, so importing the same reference again answers the
 * subscription as it is now (for another customer: 409 `subscription-already-imported`).
 */
@CommandHandler(ImportSubscriptionCommand)
export class ImportSubscriptionHandler implements ICommandHandler<ImportSubscriptionCommand, SubscriptionView> {
  constructor(
    @Inject(EVENT_STORE) private readonly store: EventStore,
    private readonly customers: CustomerAccess,
    private readonly partners: PartnerDirectory,
    private readonly catalog: CatalogService,
    private readonly subscriptions: SubscriptionStore,
  ) {}

  async execute({ customerId, input, context }: ImportSubscriptionCommand): Promise<SubscriptionView> {
    const now = context.now.toISOString();
    const productId = parseCatalogItemId(input.catalogItemId)?.productId;
    const [{ state: customer }, partner, product] = await Promise.all([
      this.customers.load(customerId),
      this.partners.get(input.partnerTenantId),
      productId ? this.catalog.getProduct(productId) : Promise.resolve(null),
    ]);
    if (!customer.exists) throw notFound('customer', customerId);
    const subscriptionId = importedSubscriptionId(input.partnerTenantId, input.source);
    const data = decideImport(input, {
      subscriptionId,
      customerId,
      market: customer.country,
      relationship: relationshipOf(customer, input.partnerTenantId) !== undefined,
      partnerCurrency: partner.exists ? partner.currency : null,
      product,
      now,
    });
    const eventId = deterministicEventId('subscription-imported', subscriptionId);
    try {
      await this.store.appendToStream(subscriptionStream(subscriptionId), NO_STREAM, [
        { eventId, type: 'SubscriptionImported', data, metadata: metadataFor(context, eventId) },
      ]);
    } catch (error) {
      if (!(error instanceof WrongExpectedVersionError)) throw error;
      const existing = await this.subscriptions.load(subscriptionId);
      if (!existing || existing.state.customerId !== customerId) {
        throw conflict('subscription-already-imported', `${input.source} was already imported for partner ${input.partnerTenantId}`, { subscriptionId });
      }
      return subscriptionViewAt(existing.state, existing.version, now);
    }
    const loaded = await this.subscriptions.load(subscriptionId);
    if (!loaded) throw new Error(`imported subscription ${subscriptionId} is not readable`);
    return subscriptionViewAt(loaded.state, loaded.version, now);
  }
}
