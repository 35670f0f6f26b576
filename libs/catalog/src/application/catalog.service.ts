import { Inject, Injectable } from '@nestjs/common';
import { loadState } from '../../../event-store/src/handle-command';
import { EVENT_STORE, type EventStore } from '../../../event-store/src/port';
import { StreamCache } from '../../../event-store/src/stream-cache';
import { parseCatalogItemId } from '../domain/catalog-item-id';
import { catalogDecider, catalogProductStream } from '../domain/catalog.decider';
import type { Product } from '../domain/catalog.types';
import { offerRefusalError, quoteOffer, type Offer, type OfferRequest, type OfferResult } from '../domain/offer';
import { PriceBook, priceListDecider, priceListStream, type PriceListState } from '../domain/price-list.decider';
import { PROMOTIONS_STREAM, promotionDecider, type PromotionsState } from '../domain/promotion.decider';

/**
 * The catalog for other contexts (purchases, renewals, EA transfers). Reads fold the streams, so
 * an answer reflects every write before it (no read-model lag) and prices come from the list in
 * force at the asked instant. A quote revalidates its three folded streams (product, price lists,
 * promotions) with one version query and re-reads only those that moved.
 */
@Injectable()
export class CatalogService {
  private readonly cache: StreamCache;

  constructor(@Inject(EVENT_STORE) private readonly store: EventStore) {
    this.cache = new StreamCache(store);
  }

  async getProduct(productId: string): Promise<Product | null> {
    const { state } = await loadState(this.store, catalogDecider, catalogProductStream(productId));
    return state.product;
  }

  async getPriceLists(market: string, currency: string): Promise<PriceListState> {
    const { state } = await loadState(this.store, priceListDecider, priceListStream(market, currency));
    return state;
  }

  async getPromotions(): Promise<PromotionsState> {
    const { state } = await loadState(this.store, promotionDecider, PROMOTIONS_STREAM);
    return state;
  }

  /** An offer or a refusal with a stable code (see OfferRefusalCode). */
  async quote(request: OfferRequest): Promise<OfferResult> {
    const ref = parseCatalogItemId(request.catalogItemId);
    const [prices, promotions, product] = await this.cache.foldMany([
      { stream: priceListStream(request.market, request.currency), decider: priceListDecider, project: (state) => new PriceBook(state as PriceListState) },
      { stream: PROMOTIONS_STREAM, decider: promotionDecider },
      ...(ref ? [{ stream: catalogProductStream(ref.productId), decider: catalogDecider }] : []),
    ]);
    return quoteOffer(request, {
      product: product ? (product.state as ReturnType<typeof catalogDecider.evolve>).product : null,
      prices: prices.projected as PriceBook,
      promotions: promotions.state as PromotionsState,
    });
  }

  /** The offer, or a 422 DomainError carrying the refusal's code. */
  async requireOffer(request: OfferRequest): Promise<Offer> {
    const result = await this.quote(request);
    if (!result.ok) throw offerRefusalError(result.refusal);
    return result.offer;
  }
}
