import { Inject, Injectable, Logger } from '@nestjs/common';
import { sql, type ExpressionBuilder } from 'kysely';
import type { Actor } from '../../../core/src';
import { isOperator } from '../../../auth/src/tenant';
import type { ProductType, TermDuration } from '../../../catalog/src/domain/catalog.types';
import { postgresCommittedHead } from '../../../event-store/src/projections/committed-head';
import { ProjectionRunner } from '../../../event-store/src/projections/projection-runner';
import { EVENT_STORE, type EventStore } from '../../../event-store/src/port';
import { PostgresEventStore } from '../../../event-store/src/postgres/postgres-event-store';
import { BatchedLookup } from '../../../persistence/src/batched-lookup';
import { DATABASE, type DatabaseHandle } from '../../../persistence/src/database';
import { decodeContinuationToken, toPage, type Page } from '../../../partners/src/read-models/paging';
import '../../../customers/src/read-models/customers.schema';
import type { CustomerSubscriptionFact, GracePeriodFact } from '../domain/checkout';
import type { SubscriptionStatus } from '../domain/subscription.events';
import { orderViewOf, refundReadoutAt, type OrderView, type RefundReadout } from '../application/views';
import type { Database } from '../../../persistence/src/schema';
import './subscriptions.schema';
import type { OrdersTable } from './subscriptions.schema';

export const SUBSCRIPTIONS_PROJECTION = 'subscriptions_v2';
const CATCH_UP_TIMEOUT_MS = 5_000;
// Expired subscriptions of each customer ($1: text[]); each caller keeps those in grace at its own
// instant. They are few: 30 days after expiry a subscription is disabled.
const EXPIRED_OF_CUSTOMERS = `
  select c.customer_id, s.subscription_id, s.product_id, s.sku_id, s.expired_at, s.grace_ends_at
  from unnest($1::text[]) as c(customer_id)
  cross join lateral (
    select * from subscriptions_v2 where subscriptions_v2.customer_id = c.customer_id and status = 'expired' offset 0
  ) s`;

interface ExpiredRow {
  customer_id: string;
  subscription_id: string;
  product_id: string;
  sku_id: string;
  expired_at: Date | null;
  grace_ends_at: Date | null;
}

/** A subscription in a list; its refund options and removable seats are those at the list's instant. */
export interface SubscriptionListItem extends RefundReadout {
  id: string;
  customerId: string;
  orderId: string | null;
  offerId: string;
  productId: string;
  skuId: string;
  productType: string;
  skuName: string;
  friendlyName: string;
  quantity: number;
  status: string;
  termDuration: string;
  billingCycle: string;
  autoRenewEnabled: boolean;
  creationDate: string;
  effectiveStartDate: string;
  commitmentEndDate: string;
  partnerId: string | null;
  /** R-SUB-7. */
  expiredAt: string | null;
  graceEndsAt: string | null;
  continuesSubscriptionId: string | null;
  imported: boolean;
}

/** Reads of the subscriptions and orders read models (lists may lag the writes by a moment). */
@Injectable()
export class SubscriptionQueries {
  private readonly logger = new Logger('SubscriptionQueries');

  /** Every checkout asks: concurrent checkouts share one query. */
  private readonly expiredOfCustomer: BatchedLookup<ExpiredRow>;

  constructor(
    @Inject(DATABASE) private readonly database: DatabaseHandle,
    @Inject(EVENT_STORE) private readonly store: EventStore,
    private readonly runner: ProjectionRunner,
  ) {
    this.expiredOfCustomer = new BatchedLookup(
      database.pool,
      { name: 'subscriptions_expired_of_customers', text: EXPIRED_OF_CUSTOMERS, keyOf: (row) => row.customer_id },
      { maxInFlight: 1, maxKeys: 100 },
    );
  }

  /**
   * Waits until subscriptions_v2 has every event committed so far, so checks that need the
   * customer's other subscriptions (add-on prerequisites, aligned end dates) see the caller's own
   * earlier purchases. After the timeout it answers from what the read model has.
   */
  async catchUp(timeoutMs = CATCH_UP_TIMEOUT_MS): Promise<void> {
    const head = this.store instanceof PostgresEventStore ? await postgresCommittedHead(this.database.db)() : await this.store.headPosition();
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      this.runner.nudge();
      const lagging = await this.runner.lagging(head);
      if (!lagging.some((p) => p.name === SUBSCRIPTIONS_PROJECTION)) return;
      if (Date.now() >= deadline) {
        this.logger.warn(`${SUBSCRIPTIONS_PROJECTION} did not catch up within ${timeoutMs} ms; answering from the read model as it is`);
        return;
      }
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  }

  /** Every subscription of the customer's tenant, of any partner, after catching up. */
  async customerSubscriptions(customerId: string): Promise<CustomerSubscriptionFact[]> {
    await this.catchUp();
    const rows = await this.database.db
      .selectFrom('subscriptions_v2')
      .select(['subscription_id', 'partner_tenant_id', 'product_id', 'sku_id', 'product_type', 'status', 'term_duration', 'commitment_end_date'])
      .where('customer_id', '=', customerId)
      .execute();
    return rows.map((row) => ({
      subscriptionId: row.subscription_id,
      partnerTenantId: row.partner_tenant_id,
      skuRef: `${row.product_id}:${row.sku_id}`,
      productType: row.product_type as ProductType,
      status: row.status as SubscriptionStatus,
      termDuration: row.term_duration as TermDuration,
      commitmentEndDate: row.commitment_end_date,
    }));
  }

  /** Does the actor hold any subscription of the customer as its reseller (R-TENANT-1)? */
  async isResellerOfAny(actor: Actor, customerId: string): Promise<boolean> {
    const row = await this.database.db
      .selectFrom('subscriptions_v2')
      .select('subscription_id')
      .where('customer_id', '=', customerId)
      .where('reseller_tenant_id', '=', actor.tenantId)
      .limit(1)
      .executeTakeFirst();
    return row !== undefined;
  }

  /**
   * R-TENANT-1: the operator and the customer's admins see all of the customer's subscriptions; a
   * partner its own, those it resells, and those of a provider that delegated the customer to it.
   */
  async listSubscriptions(
    actor: Actor,
    customerId: string,
    filter: { status?: SubscriptionStatus; endsBefore?: string; limit: number; continuationToken?: string },
    now: Date,
  ): Promise<Page<SubscriptionListItem>> {
    const after = decodeContinuationToken(filter.continuationToken);
    let query = this.database.db.selectFrom('subscriptions_v2 as s').selectAll('s').where('s.customer_id', '=', customerId);
    if (!isOperator(actor) && actor.tenantId !== customerId) {
      query = query.where((eb) =>
        eb.or([
          eb('s.partner_tenant_id', '=', actor.tenantId),
          eb('s.reseller_tenant_id', '=', actor.tenantId),
          eb.exists(
            eb
              .selectFrom('customer_partner_relationships as r')
              .select('r.customer_id')
              .whereRef('r.customer_id', '=', 's.customer_id')
              .where('r.partner_tenant_id', '=', actor.tenantId)
              .whereRef('r.indirect_provider_tenant_id', '=', 's.partner_tenant_id'),
          ),
        ]),
      );
    }
    if (filter.status) query = query.where('s.status', '=', filter.status);
    // The term ends (00:00 UTC after its end date) before `endsBefore` starts.
    if (filter.endsBefore) query = query.where('s.commitment_end_date', '<', filter.endsBefore);
    if (after) query = query.where((eb) => eb(eb.refTuple('s.created_at', 's.subscription_id'), '>', eb.tuple(new Date(after.createdAt), after.id)));
    const rows = await query.orderBy('s.created_at').orderBy('s.subscription_id').limit(filter.limit + 1).execute();
    return toPage(
      rows,
      filter.limit,
      (row) => ({ createdAt: row.created_at.toISOString(), id: row.subscription_id }),
      (row) => ({
        id: row.subscription_id,
        customerId: row.customer_id,
        orderId: row.order_id,
        offerId: row.catalog_item_id,
        productId: row.product_id,
        skuId: row.sku_id,
        productType: row.product_type,
        skuName: row.sku_title,
        friendlyName: row.friendly_name,
        quantity: row.quantity,
        status: row.status,
        termDuration: row.term_duration,
        billingCycle: row.billing_cycle,
        autoRenewEnabled: row.auto_renew_enabled,
        creationDate: row.created_at.toISOString(),
        effectiveStartDate: row.effective_start_date,
        commitmentEndDate: row.commitment_end_date,
        partnerId: row.reseller_partner_id,
        expiredAt: row.expired_at?.toISOString() ?? null,
        graceEndsAt: row.grace_ends_at?.toISOString() ?? null,
        continuesSubscriptionId: row.continues_subscription_id,
        imported: row.imported,
        ...refundReadoutAt(
          {
            status: row.status as SubscriptionStatus,
            fullRefundUntil: row.full_refund_until?.toISOString() ?? null,
            cancellationAllowedUntil: row.cancellation_allowed_until?.toISOString() ?? null,
            seatBatches: row.refundable_seats,
          },
          now.toISOString(),
        ),
      }),
    );
  }

  /**
   * R-SUB-7: the customer's expired subscriptions (any partner's) whose grace period runs at `now`.
   * From the read model as it is: an indexed lookup, no wait for catch-up.
   */
  async inGracePeriod(customerId: string, now: Date): Promise<GracePeriodFact[]> {
    const rows = await this.expiredOfCustomer.rowsOf(customerId);
    return rows.flatMap((row) =>
      row.expired_at && row.grace_ends_at && row.grace_ends_at > now
        ? [{ subscriptionId: row.subscription_id, skuRef: `${row.product_id}:${row.sku_id}`, expiredAt: row.expired_at.toISOString(), graceEndsAt: row.grace_ends_at.toISOString() }]
        : [],
    );
  }

  /**
   * The customer's order history, with the same visibility as subscriptions. A reseller that sees
   * an order only because it resells some of its lines (`resellerPartnerId`, its MPN id) sees
   * only those lines.
   */
  async listOrders(actor: Actor, customerId: string, filter: { limit: number; continuationToken?: string }, resellerPartnerId: string | null): Promise<Page<OrderView>> {
    const after = decodeContinuationToken(filter.continuationToken);
    const seesEveryOrder = isOperator(actor) || actor.tenantId === customerId;
    let query = this.database.db
      .selectFrom('orders as o')
      .selectAll('o')
      .select((eb) =>
        eb
          .or([
            eb('o.partner_tenant_id', '=', actor.tenantId),
            delegatedTo(eb, actor.tenantId),
          ])
          .as('whole'),
      )
      .where('o.customer_id', '=', customerId);
    if (!seesEveryOrder) {
      query = query.where((eb) =>
        eb.or([
          eb('o.partner_tenant_id', '=', actor.tenantId),
          eb(sql<string>`${actor.tenantId}`, '=', eb.fn.any('o.reseller_tenant_ids')),
          delegatedTo(eb, actor.tenantId),
        ]),
      );
    }
    if (after) query = query.where((eb) => eb(eb.refTuple('o.created_at', 'o.order_id'), '>', eb.tuple(new Date(after.createdAt), after.id)));
    const rows = await query.orderBy('o.created_at').orderBy('o.order_id').limit(filter.limit + 1).execute();
    return toPage(
      rows,
      filter.limit,
      (row) => ({ createdAt: row.created_at.toISOString(), id: row.order_id }),
      (row) =>
        orderViewOf({
          orderId: row.order_id,
          cartId: row.cart_id,
          customerId: row.customer_id,
          status: row.status as 'completed',
          placedAt: row.created_at.toISOString(),
          lineItems: seesEveryOrder || row.whole ? row.line_items : row.line_items.filter((line) => resellerPartnerId !== null && line.resellerPartnerId === resellerPartnerId),
        }),
    );
  }
}

/** R-IND-3: the order's provider associated the actor (an indirect reseller) with the order's customer. */
function delegatedTo(eb: ExpressionBuilder<Database & { o: OrdersTable }, 'o'>, actorTenantId: string) {
  return eb.exists(
    eb
      .selectFrom('customer_partner_relationships as r')
      .select('r.customer_id')
      .whereRef('r.customer_id', '=', 'o.customer_id')
      .where('r.partner_tenant_id', '=', actorTenantId)
      .whereRef('r.indirect_provider_tenant_id', '=', 'o.partner_tenant_id'),
  );
}
