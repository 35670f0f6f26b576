import { ruleViolation } from '../../../core/src';
import { parseCatalogItemId, parseSkuRef } from './catalog-item-id';
import { findAvailability, findSku } from './catalog.decider';
import type { BillingCycle, Product } from './catalog.types';
import { isSoldIn } from './markets';

/**
 * Checks that span products: what a price list, a promotion or a SKU reference names must exist
 * in the catalog. The caller loads the products (`productId -> product or null`).
 */
export type ProductLookup = ReadonlyMap<string, Product | null>;

/** The products whose state a check needs, by id. */
export function productIdsOf(ids: Iterable<string>, parse: (id: string) => { productId: string } | null): string[] {
  const productIds = new Set<string>();
  for (const id of ids) {
    const ref = parse(id);
    if (ref) productIds.add(ref.productId);
  }
  return [...productIds];
}

export function assertSkuRefsExist(refs: readonly string[], products: ProductLookup, field: string): void {
  for (const ref of refs) {
    const parsed = parseSkuRef(ref);
    if (!parsed || !findSku(products.get(parsed.productId) ?? null, parsed.skuId)) {
      throw ruleViolation('unknown-sku-reference', `${field} names ${ref}, which is not in the catalog`, { field, skuId: ref });
    }
  }
}

export function assertCatalogItemsExist(catalogItemIds: readonly string[], products: ProductLookup, field: string): void {
  catalogItemIds.forEach((catalogItemId, index) => {
    if (!resolve(catalogItemId, products)) {
      throw ruleViolation('unknown-catalog-item', `catalog item ${catalogItemId} does not exist`, {
        field: `${field}[${index}]`,
        catalogItemId,
      });
    }
  });
}

/** Every priced item exists, is billed with that plan, and is sold in the list's market. */
export function assertPriceItemsOffered(
  items: ReadonlyArray<{ catalogItemId: string; billingCycle: BillingCycle }>,
  products: ProductLookup,
  market: string,
): void {
  items.forEach((item, index) => {
    const field = `items[${index}]`;
    const found = resolve(item.catalogItemId, products);
    if (!found) {
      throw ruleViolation('unknown-catalog-item', `catalog item ${item.catalogItemId} does not exist`, {
        field: `${field}.catalogItemId`,
        catalogItemId: item.catalogItemId,
      });
    }
    if (!found.availability.billingCycles.includes(item.billingCycle)) {
      throw ruleViolation('billing-plan-not-offered', `${item.catalogItemId} is not billed ${item.billingCycle}`, {
        field: `${field}.billingCycle`,
        catalogItemId: item.catalogItemId,
      });
    }
    if (!isSoldIn(found.product.productType, found.sku, market)) {
      throw ruleViolation('market-not-available', `${item.catalogItemId} is not sold in market ${market}`, {
        field: `${field}.catalogItemId`,
        catalogItemId: item.catalogItemId,
        market,
      });
    }
  });
}

function resolve(catalogItemId: string, products: ProductLookup) {
  const ref = parseCatalogItemId(catalogItemId);
  if (!ref) return null;
  const product = products.get(ref.productId) ?? null;
  const sku = findSku(product, ref.skuId);
  const availability = findAvailability(sku, ref.availabilityId);
  return product && sku && availability ? { product, sku, availability } : null;
}
