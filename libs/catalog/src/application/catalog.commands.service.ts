import { Inject, Injectable } from '@nestjs/common';
import { fold, invalid, parseDecimalAmount } from '../../../core/src';
import { handleCommand, loadState, type CommandContext } from '../../../event-store/src/handle-command';
import { EVENT_STORE, type EventStore } from '../../../event-store/src/port';
import { isCatalogIdPart, parseCatalogItemId, parseSkuRef } from '../domain/catalog-item-id';
import type { ProductInput, PublishProduct, SkuChanges, UpdateSku } from '../domain/catalog.commands';
import { catalogDecider, catalogProductStream } from '../domain/catalog.decider';
import {
  assertCatalogItemsExist,
  assertPriceItemsOffered,
  assertSkuRefsExist,
  productIdsOf,
  type ProductLookup,
} from '../domain/catalog-references';
import type { BillingCycle, Product } from '../domain/catalog.types';
import { isPriceCurrency } from '../domain/markets';
import {
  priceListDecider,
  priceListStream,
  type PriceListVersion,
  type PublishPriceList,
} from '../domain/price-list.decider';
import { PROMOTIONS_STREAM, promotionDecider, type CreatePromotion, type Promotion } from '../domain/promotion.decider';
import { CatalogService } from './catalog.service';

export interface PriceListInput {
  market: string;
  currency: string;
  effectiveFrom: string;
  /** unitPrice: a decimal string in the list's currency ("12.34"; JPY has no decimals). */
  items: Array<{ catalogItemId: string; billingCycle: BillingCycle; unitPrice: string }>;
}

export interface PublishedPriceList extends PriceListVersion {
  market: string;
  currency: string;
}

export interface CommandOutcome<T> {
  value: T;
  /** false when the command changed nothing (the same definition again). */
  changed: boolean;
}

export interface PublishOptions {
  /**
   * Check that prerequisite and upgrade-target SKUs exist (default true). The starter loader
   * turns it off: its file is checked as a whole by a test, whatever order products load in.
   */
  checkReferences?: boolean;
}

/**
 * Operator commands on the catalog. Checks that span streams (referenced SKUs and catalog items)
 * run before anything is written, so a refused command writes nothing.
 */
@Injectable()
export class CatalogCommands {
  constructor(
    @Inject(EVENT_STORE) private readonly store: EventStore,
    private readonly catalog: CatalogService,
  ) {}

  async publishProduct(input: ProductInput, context: CommandContext, options: PublishOptions = {}): Promise<CommandOutcome<Product>> {
    const command: PublishProduct = { type: 'PublishProduct', product: input };
    if (!isCatalogIdPart(input?.id)) {
      // The decider names the failing field; an empty state is enough to refuse.
      catalogDecider.decide(command, catalogDecider.initialState);
      throw invalid('invalid-product', 'id is malformed', { field: 'id' });
    }
    return this.decideAndAppend(input.id, command, context, options);
  }

  async updateSku(productId: string, skuId: string, changes: SkuChanges, context: CommandContext): Promise<CommandOutcome<Product>> {
    const command: UpdateSku = { type: 'UpdateSku', productId, skuId, changes };
    return this.decideAndAppend(productId, command, context, { checkReferences: true });
  }

  async publishPriceList(input: PriceListInput, context: CommandContext): Promise<CommandOutcome<PublishedPriceList>> {
    const command = this.priceListCommand(input, context);
    priceListDecider.decide(command, priceListDecider.initialState);
    const products = await this.loadProducts(productIdsOf(command.items.map((item) => item.catalogItemId), parseCatalogItemId));
    assertPriceItemsOffered(command.items, products, command.market);

    const result = await handleCommand(this.store, priceListDecider, priceListStream(command.market, command.currency), command, context);
    const version = result.state.versions.find((v) => v.effectiveFrom === command.effectiveFrom);
    if (!version) throw new Error('price list version missing after publishing');
    return { value: { market: command.market, currency: command.currency, ...version }, changed: result.events.length > 0 };
  }

  async createPromotion(promotion: Promotion, context: CommandContext): Promise<CommandOutcome<Promotion>> {
    const command: CreatePromotion = { type: 'CreatePromotion', promotion };
    const [created] = promotionDecider.decide(command, promotionDecider.initialState);
    const normalized = created.data;
    const products = await this.loadProducts(productIdsOf(normalized.catalogItemIds, parseCatalogItemId));
    assertCatalogItemsExist(normalized.catalogItemIds, products, 'catalogItemIds');

    const result = await handleCommand(this.store, promotionDecider, PROMOTIONS_STREAM, command, context);
    const stored = result.state.promotions.find((p) => p.id === normalized.id);
    if (!stored) throw new Error('promotion missing after creating it');
    return { value: stored, changed: result.events.length > 0 };
  }

  private async decideAndAppend(
    productId: string,
    command: PublishProduct | UpdateSku,
    context: CommandContext,
    options: PublishOptions,
  ): Promise<CommandOutcome<Product>> {
    const stream = catalogProductStream(productId);
    if (options.checkReferences !== false) {
      const { state } = await loadState(this.store, catalogDecider, stream);
      const next = fold({ initialState: state, evolve: catalogDecider.evolve }, catalogDecider.decide(command, state));
      await this.assertReferences(next.product);
    }
    const result = await handleCommand(this.store, catalogDecider, stream, command, context);
    if (!result.state.product) throw new Error(`product ${productId} missing after publishing`);
    return { value: result.state.product, changed: result.events.length > 0 };
  }

  private async assertReferences(product: Product | null): Promise<void> {
    if (!product) return;
    const refs = product.skus.flatMap((sku) => [...sku.prerequisiteSkuIds, ...sku.upgradeTargetSkuIds]);
    const others = productIdsOf(refs, parseSkuRef).filter((id) => id !== product.id);
    const products = new Map(await this.loadProducts(others));
    products.set(product.id, product);
    product.skus.forEach((sku, index) => {
      assertSkuRefsExist(sku.prerequisiteSkuIds, products, `skus[${index}].prerequisiteSkuIds`);
      assertSkuRefsExist(sku.upgradeTargetSkuIds, products, `skus[${index}].upgradeTargetSkuIds`);
    });
  }

  private async loadProducts(productIds: string[]): Promise<ProductLookup> {
    const products = await Promise.all(productIds.map(async (id) => [id, await this.catalog.getProduct(id)] as const));
    return new Map(products);
  }

  private priceListCommand(input: PriceListInput, context: CommandContext): PublishPriceList {
    const currency = input?.currency;
    if (!isPriceCurrency(currency)) {
      throw invalid('unknown-currency', `currency ${String(currency)} is not a supported billing currency`, { field: 'currency' });
    }
    const items = Array.isArray(input.items) ? input.items : [];
    return {
      type: 'PublishPriceList',
      market: input.market,
      currency,
      effectiveFrom: input.effectiveFrom,
      items: items.map((item, index) => {
        const amount = typeof item?.unitPrice === 'string' ? parseDecimalAmount(item.unitPrice, currency) : null;
        if (!amount) {
          throw invalid('invalid-amount', `items[${index}].unitPrice must be a decimal amount in ${currency}`, {
            field: `items[${index}].unitPrice`,
          });
        }
        return { catalogItemId: item.catalogItemId, billingCycle: item.billingCycle, unitPrice: amount };
      }),
      now: context.now.toISOString(),
    };
  }
}
