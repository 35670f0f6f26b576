import { Inject, Injectable } from '@nestjs/common';
import { loadState } from '../../../event-store/src/handle-command';
import { EVENT_STORE, type EventStore } from '../../../event-store/src/port';
import { parseCatalogItemId } from '../domain/catalog-item-id';
import { catalogDecider, catalogProductStream } from '../domain/catalog.decider';
import type { Product } from '../domain/catalog.types';
import { offerRefusalError, quoteOffer, type Offer, type OfferRequest, type OfferResult } from '../domain/offer';
import { PriceBook, priceListDecider, priceListStream, type PriceListState } from '../domain/price-list.decider';
import { PROMOTIONS_STREAM, promotionDecider, type PromotionsState } from '../domain/promotion.decider';

/**
 * The catalog for other contexts (purchases, renewals, EA transfers). Reads fold the streams, so
 * an answer reflects every write before it (no read-model lag) and prices come from the list in
 * force at the asked instant.
 */
@Injectable()
export class CatalogService {
  constructor(@Inject(EVENT_STORE) private readonly store: EventStore) {}

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
    const [product, prices, promotions] = await Promise.all([
      ref ? this.getProduct(ref.productId) : Promise.resolve(null),
      this.getPriceLists(request.market, request.currency),
      this.getPromotions(),
    ]);
    return quoteOffer(request, { product, prices: new PriceBook(prices), promotions });
  }

  /** The offer, or a 422 DomainError carrying the refusal's code. */
  async requireOffer(request: OfferRequest): Promise<Offer> {
    const result = await this.quote(request);
    if (!result.ok) throw offerRefusalError(result.refusal);
    return result.offer;
  }
}
