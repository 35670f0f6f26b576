import { Inject } from '@nestjs/common';
import { Command, CommandHandler, Query, QueryHandler, type ICommandHandler, type IQueryHandler } from '@nestjs/cqrs';
import { randomUUID } from 'node:crypto';
import { conflict, DomainError, notFound, type Actor } from '../../../core/src';
import { isOperator } from '../../../auth/src/tenant';
import { parseCatalogItemId } from '../../../catalog/src/domain/catalog-item-id';
import { catalogDecider, catalogProductStream, type CatalogProductState } from '../../../catalog/src/domain/catalog.decider';
import { quoteOffer, type OfferRequest, type OfferResult } from '../../../catalog/src/domain/offer';
import { PriceBook, priceListDecider, priceListStream, type PriceListState } from '../../../catalog/src/domain/price-list.decider';
import { PROMOTIONS_STREAM, promotionDecider, type PromotionsState } from '../../../catalog/src/domain/promotion.decider';
import { Clock } from '../../../clock/src';
import { CustomerAccess, customerStream } from '../../../customers/src/application/customer-access';
import { customerDecider, hasAttestedAgreement, relationshipOf, type CustomerState } from '../../../customers/src/domain/customer.decider';
import { handleCommand, loadState, type CommandContext } from '../../../event-store/src/handle-command';
import { EVENT_STORE, NO_STREAM, WrongExpectedVersionError, type EventStore, type StreamCondition } from '../../../event-store/src/port';
import { PartnerDirectory, partnerStream } from '../../../partners/src/application/partner-directory';
import { partnerDecider, type PartnerState } from '../../../partners/src/domain/partner.decider';
import { cartDecider, resellerOf, type CartLineItemInput, type CartState, type ExistingCart } from '../domain/cart';
import { decideCheckout, needsCustomerSubscriptions, type CheckoutBuyer, type CheckoutCustomer, type CheckoutLineFacts } from '../domain/checkout';
import { orderDecider, type OrderLineItem, type OrderPlacedData, type OrderState } from '../domain/order';
import type { PartnerFacts } from '../domain/subscription.commands';
import { SubscriptionQueries } from '../read-models/subscription.queries';
import { StreamCache, type FoldRequest } from './stream-cache';
import { appendPurchase, cartStream, metadataFor, newEventId, orderIdOfCart, orderStream, purchaseEvent, subscriptionStream } from './streams';
import { cartViewAt, orderViewOf, type CartView, type CheckoutResult, type OrderView } from './views';

// --- carts ------------------------------------------------------------------------------------------

export class CreateCartCommand extends Command<CartView> {
  constructor(
    readonly customerId: string,
    readonly lineItems: CartLineItemInput[],
    readonly context: CommandContext,
  ) {
    super();
  }
}

@CommandHandler(CreateCartCommand)
export class CreateCartHandler implements ICommandHandler<CreateCartCommand, CartView> {
  constructor(
    @Inject(EVENT_STORE) private readonly store: EventStore,
    private readonly customers: CustomerAccess,
    private readonly cache: StreamCache,
  ) {}

  async execute({ customerId, lineItems, context }: CreateCartCommand): Promise<CartView> {
    // R-TENANT-1: a cart only for a customer the partner has a relationship with.
    await this.customers.visibleTo(context.actor, customerId);
    const cartId = randomUUID();
    const result = await handleCommand(
      this.store,
      cartDecider,
      cartStream(cartId),
      { type: 'CreateCart', cartId, customerId, partnerTenantId: context.actor.tenantId, lineItems, now: context.now.toISOString() },
      context,
    );
    if (!result.state.exists) throw new Error('cart stream is empty after creation');
    this.cache.remember(cartStream(cartId), { state: result.state, version: result.version, projected: result.state });
    return cartViewAt(result.state, null, context.now.toISOString());
  }
}

async function loadCartAndOrder(store: EventStore, cartId: string): Promise<{ cart: ExistingCart | null; order: OrderState }> {
  const [cart, order] = await Promise.all([loadState(store, cartDecider, cartStream(cartId)), loadState(store, orderDecider, orderStream(orderIdOfCart(cartId)))]);
  return { cart: cart.state.exists ? cart.state : null, order: order.state };
}

export class GetCartQuery extends Query<CartView> {
  constructor(
    readonly actor: Actor,
    readonly customerId: string,
    readonly cartId: string,
  ) {
    super();
  }
}

@QueryHandler(GetCartQuery)
export class GetCartHandler implements IQueryHandler<GetCartQuery, CartView> {
  constructor(
    @Inject(EVENT_STORE) private readonly store: EventStore,
    private readonly clock: Clock,
  ) {}

  async execute({ actor, customerId, cartId }: GetCartQuery): Promise<CartView> {
    const { cart, order } = await loadCartAndOrder(this.store, cartId);
    if (!cart || cart.customerId !== customerId || (cart.partnerTenantId !== actor.tenantId && !isOperator(actor))) throw notFound('cart', cartId);
    return cartViewAt(cart, order.exists ? order.orderId : null, this.clock.now().toISOString());
  }
}

// --- checkout (R-SUB-1) -----------------------------------------------------------------------------

export class CheckoutCartCommand extends Command<CheckoutResult> {
  constructor(
    readonly customerId: string,
    readonly cartId: string,
    readonly context: CommandContext,
  ) {
    super();
  }
}

const NOT_PRICED: OfferResult = { ok: false, refusal: { code: 'no-price', message: 'not priced', details: {} } };

/** What checkout reads, folded and revalidated in one round trip when cached. */
interface CheckoutSources {
  cart: CartState;
  customer: CustomerState;
  partner: PartnerState;
  products: Map<string, CatalogProductState>;
  promotions: PromotionsState;
  prices: PriceBook | null;
  /** The version of every stream read: the checkout is written only if they are still current. */
  versions: StreamCondition[];
}

/** Decisions again after a source stream moved (or a refusal on cached sources). */
const MAX_CHECKOUT_RETRIES = 3;

/**
 * Checkout: the order (whose id follows from the cart's) records every purchase, and each
 * subscription's stream gets its purchase. A second checkout of the cart collides on the order
 * stream. With a store that appends to several streams at once, the order and the purchases are
 * one transaction, written only if every stream the checkout read is unchanged, so the checkout is
 * first decided on the streams as this process last saw them (no read before the write) and again
 * on the current ones if one moved. Otherwise the order is written first and then the purchases;
 * a checkout interrupted in between is finished by the next one.
 */
@CommandHandler(CheckoutCartCommand)
export class CheckoutCartHandler implements ICommandHandler<CheckoutCartCommand, CheckoutResult> {
  constructor(
    @Inject(EVENT_STORE) private readonly store: EventStore,
    private readonly cache: StreamCache,
    private readonly partners: PartnerDirectory,
    private readonly subscriptions: SubscriptionQueries,
  ) {}

  async execute({ customerId, cartId, context }: CheckoutCartCommand): Promise<CheckoutResult> {
    const partnerTenantId = context.actor.tenantId;
    const orderId = orderIdOfCart(cartId);
    let sources = this.store.appendToStreams ? this.cachedSources(cartId, customerId, partnerTenantId) : null;
    for (let attempt = 0; ; attempt++) {
      const cached = sources !== null;
      sources ??= await this.load(cartId, customerId, partnerTenantId);
      try {
        return await this.place(sources, customerId, cartId, orderId, context);
      } catch (error) {
        if (error instanceof WrongExpectedVersionError && error.stream === orderStream(orderId)) {
          // Checked out before (or by a concurrent request): finish that checkout's writes if needed.
          const { state: existing } = await loadState(this.store, orderDecider, orderStream(orderId));
          if (existing.exists) await this.materialize(existing, context);
          throw conflict('cart-already-checked-out', `cart ${cartId} was already checked out as order ${orderId}`, { orderId });
        }
        // A source moved since it was read, or a refusal decided on cached sources that may be old.
        const again = (error instanceof WrongExpectedVersionError || (cached && error instanceof DomainError)) && attempt < MAX_CHECKOUT_RETRIES;
        if (!again) throw error;
        sources = null;
      }
    }
  }

  private async place(sources: CheckoutSources, customerId: string, cartId: string, orderId: string, context: CommandContext): Promise<CheckoutResult> {
    const { actor } = context;
    const cart = sources.cart;
    if (!cart.exists || cart.customerId !== customerId || cart.partnerTenantId !== actor.tenantId) throw notFound('cart', cartId);

    const { partner, customer: customerState } = sources;
    const buyer: CheckoutBuyer | null = partner.exists
      ? { partnerTenantId: partner.partnerTenantId, kind: partner.kind, region: partner.region, currency: partner.currency }
      : null;
    const customer: CheckoutCustomer | null = customerState.exists
      ? {
          customerId,
          country: customerState.country,
          region: customerState.region,
          relationship: relationshipOf(customerState, actor.tenantId) !== undefined,
          agreementAttested: hasAttestedAgreement(customerState),
        }
      : null;

    const quotes = this.quotes(cart, buyer, customer, sources, context.now);
    const [resellers, inGracePeriod] = await Promise.all([
      this.resellers(cart),
      customer ? this.subscriptions.inGracePeriod(customerId, context.now) : Promise.resolve([]),
    ]);
    const lines: CheckoutLineFacts[] = cart.lineItems.map((line, index) => {
      const partnerId = resellerOf(line);
      return {
        lineItemNumber: line.lineItemNumber,
        subscriptionId: randomUUID(),
        quote: quotes[index],
        ...(partnerId !== undefined ? { reseller: { partnerId, partner: resellers.get(partnerId) ?? null } } : {}),
      };
    });
    const customerSubscriptions = customer && needsCustomerSubscriptions(cart, quotes) ? await this.subscriptions.customerSubscriptions(customerId) : [];

    const order = decideCheckout({ cart, orderId, now: context.now.toISOString(), actor, buyer, customer, lines, customerSubscriptions, inGracePeriod });
    const [placed] = orderDecider.decide({ type: 'PlaceOrder', order }, { exists: false });
    const eventId = newEventId();
    const placedEvent = { eventId, type: placed.type, data: placed.data, metadata: metadataFor(context, eventId) };
    if (this.store.appendToStreams) {
      await this.store.appendToStreams(
        [
          { stream: orderStream(orderId), expected: NO_STREAM, events: [placedEvent] },
          ...order.purchases.map((purchase) => ({ stream: subscriptionStream(purchase.subscriptionId), expected: NO_STREAM, events: [purchaseEvent(purchase, context)] })),
        ],
        sources.versions,
      );
    } else {
      await this.store.appendToStream(orderStream(orderId), NO_STREAM, [placedEvent]);
      await this.materialize(order, context);
    }
    return { orders: [orderViewOf(order)], orderErrors: order.orderErrors };
  }

  /** The sources as this process last saw them, when every one of them is cached; else null. */
  private cachedSources(cartId: string, customerId: string, partnerTenantId: string): CheckoutSources | null {
    const peeked = (stream: string) => {
      const folded = this.cache.peek(stream);
      return folded ? { stream, folded } : null;
    };
    const cart = peeked(cartStream(cartId));
    const customer = peeked(customerStream(customerId));
    const partner = peeked(partnerStream(partnerTenantId));
    const promotions = peeked(PROMOTIONS_STREAM);
    if (!cart || !customer || !partner || !promotions) return null;
    const cartState = cart.folded.state as CartState;
    const customerState = customer.folded.state as CustomerState;
    const partnerState = partner.folded.state as PartnerState;
    if (!cartState.exists || !customerState.exists || !partnerState.exists) return null;
    const productIds = productIdsOf(cartState);
    const products = productIds.flatMap((id) => peeked(catalogProductStream(id)) ?? []);
    const prices = peeked(priceListStream(customerState.country, partnerState.currency));
    if (!prices || products.length < productIds.length) return null;
    return {
      cart: cartState,
      customer: customerState,
      partner: partnerState,
      promotions: promotions.folded.state as PromotionsState,
      products: new Map(productIds.map((id, index) => [id, products[index].folded.state as CatalogProductState])),
      prices: prices.folded.projected as PriceBook,
      versions: [cart, customer, partner, promotions, prices, ...products].map(({ stream, folded }) => ({ stream, version: folded.version })),
    };
  }

  /**
   * The cart, customer, partner and catalog streams, in one round trip when they are cached. The
   * price list depends on the customer's market and the partner's currency (both never change),
   * so it joins the same round trip once they are known.
   */
  private async load(cartId: string, customerId: string, partnerTenantId: string): Promise<CheckoutSources> {
    const cartRequest: FoldRequest = { stream: cartStream(cartId), decider: cartDecider };
    let cart = this.cache.peek(cartRequest.stream)?.state as CartState | undefined;
    if (!cart) [{ state: cart }] = (await this.cache.foldMany([cartRequest])) as Array<{ state: CartState }>;
    const productIds = productIdsOf(cart);
    const known = this.priceListOf(customerId, partnerTenantId);
    const requests: FoldRequest[] = [
      cartRequest,
      { stream: customerStream(customerId), decider: customerDecider },
      { stream: partnerStream(partnerTenantId), decider: partnerDecider },
      { stream: PROMOTIONS_STREAM, decider: promotionDecider },
      ...productIds.map((id) => ({ stream: catalogProductStream(id), decider: catalogDecider })),
      ...(known ? [priceListRequest(known)] : []),
    ];
    const folded = await this.cache.foldMany(requests);
    const customer = folded[1].state as CustomerState;
    const partner = folded[2].state as PartnerState;
    let prices = known ? (folded[folded.length - 1].projected as PriceBook) : null;
    const versions = requests.map(({ stream }, index) => ({ stream, version: folded[index].version }));
    if (!known && customer.exists && partner.exists) {
      const stream = priceListStream(customer.country, partner.currency);
      const [list] = await this.cache.foldMany([priceListRequest(stream)]);
      prices = list.projected as PriceBook;
      versions.push({ stream, version: list.version });
    }
    return {
      cart: folded[0].state as CartState,
      customer,
      partner,
      promotions: folded[3].state as PromotionsState,
      products: new Map(productIds.map((id, index) => [id, folded[4 + index].state as CatalogProductState])),
      prices,
      versions,
    };
  }

  /** The price list stream when the customer's market and the partner's currency are cached. */
  private priceListOf(customerId: string, partnerTenantId: string): string | null {
    const customer = this.cache.peek(customerStream(customerId))?.state as CustomerState | undefined;
    const partner = this.cache.peek(partnerStream(partnerTenantId))?.state as PartnerState | undefined;
    return customer?.exists && partner?.exists ? priceListStream(customer.country, partner.currency) : null;
  }

  private async materialize(order: Pick<OrderPlacedData, 'purchases'>, context: CommandContext): Promise<void> {
    await Promise.all(order.purchases.map((purchase) => appendPurchase(this.store, purchase, context)));
  }

  /** The catalog's answer for each line (the same as CatalogService.quote, from the sources loaded). */
  private quotes(cart: ExistingCart, buyer: CheckoutBuyer | null, customer: CheckoutCustomer | null, sources: CheckoutSources, now: Date): OfferResult[] {
    if (!buyer || !customer || !sources.prices) return cart.lineItems.map(() => NOT_PRICED);
    const prices = sources.prices;
    return cart.lineItems.map((line) => {
      const request: OfferRequest = {
        catalogItemId: line.catalogItemId,
        market: customer.country,
        currency: buyer.currency,
        termDuration: line.termDuration,
        billingCycle: line.billingCycle,
        at: now,
        ...(line.promotionId !== undefined ? { promotionId: line.promotionId } : {}),
      };
      const productId = parseCatalogItemId(line.catalogItemId)?.productId;
      const product = productId ? (sources.products.get(productId)?.product ?? null) : null;
      return quoteOffer(request, { product, prices, promotions: sources.promotions });
    });
  }

  private async resellers(cart: ExistingCart): Promise<Map<string, PartnerFacts>> {
    const ids = [...new Set(cart.lineItems.flatMap((line) => resellerOf(line) ?? []))];
    const found = await Promise.all(ids.map(async (id) => [id, await this.partners.findByPartnerId(id)] as const));
    const map = new Map<string, PartnerFacts>();
    for (const [id, partner] of found) if (partner) map.set(id, { tenantId: partner.partnerTenantId, kind: partner.kind, region: partner.region });
    return map;
  }
}

function productIdsOf(cart: CartState): string[] {
  return cart.exists ? [...new Set(cart.lineItems.flatMap((line) => parseCatalogItemId(line.catalogItemId)?.productId ?? []))] : [];
}

function priceListRequest(stream: string): FoldRequest {
  return { stream, decider: priceListDecider, project: (state) => new PriceBook(state as PriceListState) };
}

// --- orders -----------------------------------------------------------------------------------------

export class GetOrderQuery extends Query<OrderView> {
  constructor(
    readonly actor: Actor,
    readonly customerId: string,
    readonly orderId: string,
  ) {
    super();
  }
}

@QueryHandler(GetOrderQuery)
export class GetOrderHandler implements IQueryHandler<GetOrderQuery, OrderView> {
  constructor(
    @Inject(EVENT_STORE) private readonly store: EventStore,
    private readonly customers: CustomerAccess,
  ) {}

  async execute({ actor, customerId, orderId }: GetOrderQuery): Promise<OrderView> {
    const { state } = await loadState(this.store, orderDecider, orderStream(orderId));
    const lineItems = state.exists && state.customerId === customerId ? await this.visibleLines(actor, state) : null;
    if (!state.exists || lineItems === null) throw notFound('order', orderId);
    return orderViewOf({ ...state, lineItems });
  }

  /**
   * R-TENANT-1, same rules as the order list: the whole order, or for a reseller that sees it only
   * through the lines it resells, just those lines; null when the caller may not see it.
   */
  private async visibleLines(actor: Actor, order: OrderPlacedData): Promise<OrderLineItem[] | null> {
    if (isOperator(actor) || actor.tenantId === order.partnerTenantId) return order.lineItems;
    if (actor.tenantId === order.customerId) return actor.roles.includes('customer-admin') ? order.lineItems : null;
    const { state } = await this.customers.load(order.customerId);
    if (relationshipOf(state, actor.tenantId)?.indirectProviderTenantId === order.partnerTenantId) return order.lineItems;
    const resold = new Set(order.purchases.filter((p) => p.reseller?.tenantId === actor.tenantId).map((p) => p.subscriptionId));
    return resold.size > 0 ? order.lineItems.filter((line) => resold.has(line.subscriptionId)) : null;
  }
}
