import type { Insertable, Transaction, Updateable } from 'kysely';
import type { RecordedEvent } from '../../../core/src';
import type { Projection } from '../../../event-store/src/projections/projection';
import type { Database } from '../../../persistence/src/schema';
import type { OrderPlacedData } from '../domain/order';
import { SUBSCRIPTION_EVENT_TYPES, type SubscriptionEvent, type SubscriptionImportedData } from '../domain/subscription.events';
import { refundableSeatsAfter, refundableSeatsOf, SEAT_EVENT_TYPES, type RefundableSeats } from './refundable-seats';
import './subscriptions.schema';
import type { SubscriptionsTable } from './subscriptions.schema';

/** The columns an event changes, or null when it changes none but the version. */
function changesOf(event: SubscriptionEvent): Updateable<SubscriptionsTable> | null {
  switch (event.type) {
    case 'SubscriptionQuantityChanged':
      return { quantity: event.data.quantity };
    case 'SubscriptionAutoRenewChanged':
      return { auto_renew_enabled: event.data.autoRenewEnabled };
    case 'SubscriptionFriendlyNameChanged':
      return { friendly_name: event.data.friendlyName };
    case 'SubscriptionResellerChanged':
      return { reseller_tenant_id: event.data.reseller?.tenantId ?? null, reseller_partner_id: event.data.reseller?.partnerId ?? null };
    case 'SubscriptionSuspended':
      return { status: 'suspended' };
    case 'SubscriptionReactivated':
      return { status: 'active' };
    case 'SubscriptionCancelled':
      return { status: 'deleted', auto_renew_enabled: false };
    case 'SubscriptionUpgraded': {
      const { offer, quantity } = event.data;
      return {
        catalog_item_id: offer.catalogItemId,
        product_id: offer.productId,
        sku_id: offer.skuId,
        sku_title: offer.skuTitle,
        product_type: offer.productType,
        quantity,
        // R-SUB-8: an upgrade ends the cancellation window.
        full_refund_until: null,
        cancellation_allowed_until: null,
      };
    }
    case 'SubscriptionPartiallyUpgraded':
      return { quantity: event.data.remainingQuantity };
    case 'SubscriptionRenewed': {
      const d = event.data;
      return {
        catalog_item_id: d.offer.catalogItemId,
        product_id: d.offer.productId,
        sku_id: d.offer.skuId,
        sku_title: d.offer.skuTitle,
        product_type: d.offer.productType,
        quantity: d.quantity,
        term_duration: d.termDuration,
        billing_cycle: d.billingCycle,
        effective_start_date: d.effectiveStartDate,
        commitment_end_date: d.commitmentEndDate,
        full_refund_until: d.fullRefundUntil,
        cancellation_allowed_until: d.cancellationAllowedUntil,
      };
    }
    case 'SubscriptionExpired':
      return { status: 'expired', auto_renew_enabled: false, expired_at: event.data.expiredAt, grace_ends_at: event.data.graceEndsAt };
    case 'SubscriptionDisabled':
      return { status: 'disabled' };
    case 'SubscriptionDeleted':
      return { status: 'deleted' };
    default:
      return null;
  }
}

/** What a purchase and an import both record about the subscription. */
type StartingTerms = Pick<
  SubscriptionImportedData,
  | 'subscriptionId'
  | 'customerId'
  | 'partnerTenantId'
  | 'reseller'
  | 'offer'
  | 'friendlyName'
  | 'quantity'
  | 'termDuration'
  | 'billingCycle'
  | 'autoRenewEnabled'
  | 'effectiveStartDate'
  | 'commitmentEndDate'
>;

/** How the subscription came to be. */
interface StartingOrigin {
  orderId: string | null;
  createdAt: string;
  continuesSubscriptionId: string | null;
  imported: boolean;
  /** R-CANCEL-1, R-CANCEL-2: an import comes past its windows. */
  fullRefundUntil: string | null;
  cancellationAllowedUntil: string | null;
  refundableSeats: RefundableSeats[];
}

/** The row a subscription starts with. */
function startingRow(d: StartingTerms, origin: StartingOrigin, at: string, version: number): Insertable<SubscriptionsTable> {
  return {
    subscription_id: d.subscriptionId,
    customer_id: d.customerId,
    partner_tenant_id: d.partnerTenantId,
    reseller_tenant_id: d.reseller?.tenantId ?? null,
    reseller_partner_id: d.reseller?.partnerId ?? null,
    order_id: origin.orderId,
    catalog_item_id: d.offer.catalogItemId,
    product_id: d.offer.productId,
    sku_id: d.offer.skuId,
    product_type: d.offer.productType,
    sku_title: d.offer.skuTitle,
    friendly_name: d.friendlyName,
    quantity: d.quantity,
    status: 'active',
    term_duration: d.termDuration,
    billing_cycle: d.billingCycle,
    auto_renew_enabled: d.autoRenewEnabled,
    effective_start_date: d.effectiveStartDate,
    commitment_end_date: d.commitmentEndDate,
    created_at: origin.createdAt,
    updated_at: at,
    version,
    continues_subscription_id: origin.continuesSubscriptionId,
    imported: origin.imported,
    full_refund_until: origin.fullRefundUntil,
    cancellation_allowed_until: origin.cancellationAllowedUntil,
    refundable_seats: JSON.stringify(origin.refundableSeats),
  };
}

function originOf(event: Extract<SubscriptionEvent, { type: 'SubscriptionImported' | 'SubscriptionPurchased' }>): StartingOrigin {
  if (event.type === 'SubscriptionImported') {
    return { orderId: null, createdAt: event.data.termStartedAt, continuesSubscriptionId: null, imported: true, fullRefundUntil: null, cancellationAllowedUntil: null, refundableSeats: [] };
  }
  const d = event.data;
  return {
    orderId: d.orderId,
    createdAt: d.purchasedAt,
    continuesSubscriptionId: d.continuesSubscriptionId ?? null,
    imported: false,
    fullRefundUntil: d.fullRefundUntil,
    cancellationAllowedUntil: d.cancellationAllowedUntil,
    refundableSeats: refundableSeatsOf([d.seatBatch]),
  };
}

/** Subscriptions for the lists (`GET .../subscriptions?status=`) and the customer-wide checks of checkout. */
export class SubscriptionsProjection implements Projection {
  readonly name = 'subscriptions_v2';
  readonly eventTypes = SUBSCRIPTION_EVENT_TYPES;

  async handle(trx: Transaction<Database>, events: RecordedEvent[]): Promise<void> {
    for (const recorded of events) {
      const event = recorded as unknown as SubscriptionEvent;
      const at = recorded.metadata.occurredAt;
      if (event.type === 'SubscriptionImported' || event.type === 'SubscriptionPurchased') {
        await trx
          .insertInto('subscriptions_v2')
          .values(startingRow(event.data, originOf(event), at, recorded.streamVersion))
          .onConflict((oc) => oc.column('subscription_id').doNothing())
          .execute();
        continue;
      }
      const changes: Updateable<SubscriptionsTable> = { ...changesOf(event) };
      if (SEAT_EVENT_TYPES.has(event.type)) {
        const row = await trx.selectFrom('subscriptions_v2').select('refundable_seats').where('subscription_id', '=', event.data.subscriptionId).executeTakeFirst();
        changes.refundable_seats = JSON.stringify(refundableSeatsAfter(row?.refundable_seats ?? [], event));
      }
      await trx
        .updateTable('subscriptions_v2')
        .set({ ...changes, updated_at: at, version: recorded.streamVersion })
        .where('subscription_id', '=', event.data.subscriptionId)
        .where('version', '<', recorded.streamVersion)
        .execute();
    }
  }

  async reset(trx: Transaction<Database>): Promise<void> {
    await trx.deleteFrom('subscriptions_v2').execute();
  }
}

/** The customer's order history (`GET .../orders`). */
export class OrdersProjection implements Projection {
  readonly name = 'orders_v1';
  readonly eventTypes = ['OrderPlaced'] as const;

  async handle(trx: Transaction<Database>, events: RecordedEvent[]): Promise<void> {
    for (const event of events) {
      const d = event.data as OrderPlacedData;
      await trx
        .insertInto('orders')
        .values({
          order_id: d.orderId,
          cart_id: d.cartId,
          customer_id: d.customerId,
          partner_tenant_id: d.partnerTenantId,
          status: d.status,
          created_at: d.placedAt,
          line_items: JSON.stringify(d.lineItems),
          reseller_tenant_ids: [...new Set(d.purchases.flatMap((p) => (p.reseller ? [p.reseller.tenantId] : [])))],
        })
        .onConflict((oc) => oc.column('order_id').doNothing())
        .execute();
    }
  }

  async reset(trx: Transaction<Database>): Promise<void> {
    await trx.deleteFrom('orders').execute();
  }
}
