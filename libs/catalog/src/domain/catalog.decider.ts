import { conflict, invalid, notFound, ruleViolation, streamName, type Decider } from '../../../core/src';
import { catalogItemIdOf, isCatalogIdPart, isSkuRef, skuRefOf } from './catalog-item-id';
import type { AvailabilityInput, CatalogCommand, SkuChanges, SkuInput, UpdateSku, ProductInput } from './catalog.commands';
import { CATALOG_PRODUCT_CATEGORY, type CatalogEvent } from './catalog.events';
import {
  BILLING_CYCLES,
  isBillingCycle,
  isProductType,
  isSaleStatus,
  isSegment,
  isTermDuration,
  type Availability,
  type BillingCycle,
  type Product,
  type ProductType,
  type Segment,
  type Sku,
  type TermDuration,
} from './catalog.types';
import { isKnownMarket } from './markets';

export interface CatalogProductState {
  product: Product | null;
}

export const catalogProductStream = (productId: string): string => streamName(CATALOG_PRODUCT_CATEGORY, productId);

type SkuAttributes = Omit<Sku, 'availabilities'>;

/** R-CAT-1: the terms each product type is sold with (perpetual software has none). */
const TERMS_BY_TYPE: Record<ProductType, ReadonlyArray<TermDuration | null>> = {
  license: ['P1M', 'P1Y', 'P3Y'],
  'software-subscription': ['P1Y', 'P3Y'],
  'azure-reservation': ['P1Y', 'P3Y'],
  'perpetual-software': [null],
};

/**
 * R-CAT-1: the billing plans a term allows. `triennial` only with P3Y; `onetime` is the only plan
 * of perpetual software and the up-front payment of term software and reservations.
 */
export function billingCycleAllowed(productType: ProductType, term: TermDuration | null, cycle: BillingCycle): boolean {
  if (term === null) return cycle === 'onetime';
  switch (cycle) {
    case 'monthly':
      return true;
    case 'annual':
      return term !== 'P1M';
    case 'triennial':
      return term === 'P3Y';
    case 'onetime':
      return productType !== 'license' && term !== 'P1M';
  }
}

export const termAllowed = (productType: ProductType, term: TermDuration | null): boolean =>
  TERMS_BY_TYPE[productType].includes(term);

export function findSku(product: Product | null, skuId: string): Sku | undefined {
  return product?.skus.find((sku) => sku.id === skuId);
}

export function findAvailability(sku: Sku | undefined, availabilityId: string): Availability | undefined {
  return sku?.availabilities.find((availability) => availability.id === availabilityId);
}

export const catalogDecider: Decider<CatalogCommand, CatalogProductState, CatalogEvent> = {
  initialState: { product: null },
  decide(command, state) {
    switch (command.type) {
      case 'PublishProduct':
        return publishProduct(command.product, state.product);
      case 'UpdateSku':
        return updateSku(command, state.product);
    }
  },
  evolve(state, event) {
    const product = state.product;
    if (event.type === 'ProductPublished') {
      const { productId, title, productType, segment } = event.data;
      return { product: product ? { ...product, title, segment } : { id: productId, title, productType, segment, skus: [] } };
    }
    if (!product) return state;
    const { skuId } = event.data;
    const mapSku = (change: (sku: Sku) => Sku): CatalogProductState => ({
      product: { ...product, skus: product.skus.map((sku) => (sku.id === skuId ? change(sku) : sku)) },
    });
    switch (event.type) {
      case 'SkuPublished': {
        const { productId: _productId, skuId: id, ...attributes } = event.data;
        return { product: { ...product, skus: [...product.skus, { id, ...attributes, availabilities: [] }] } };
      }
      case 'SkuRenamed':
        return mapSku((sku) => ({ ...sku, title: event.data.title }));
      case 'SkuProvisioningIdSet':
        return mapSku((sku) => ({ ...sku, provisioningId: event.data.provisioningId }));
      case 'SkuSegmentSet':
        return mapSku((sku) => ({ ...sku, segment: event.data.segment }));
      case 'SkuSaleStatusChanged':
        return mapSku((sku) => ({ ...sku, saleStatus: event.data.saleStatus }));
      case 'SkuPrerequisitesSet':
        return mapSku((sku) => ({ ...sku, prerequisiteSkuIds: event.data.prerequisiteSkuIds }));
      case 'SkuUpgradeTargetsSet':
        return mapSku((sku) => ({ ...sku, upgradeTargetSkuIds: event.data.upgradeTargetSkuIds }));
      case 'SkuCancellabilitySet':
        return mapSku((sku) => ({ ...sku, cancellable: event.data.cancellable, exchangeable: event.data.exchangeable }));
      case 'SkuExcludedMarketsSet':
        return mapSku((sku) => ({ ...sku, excludedMarkets: event.data.excludedMarkets }));
      case 'AvailabilityPublished': {
        const { availabilityId: id, termDuration, billingCycles } = event.data;
        return mapSku((sku) => ({ ...sku, availabilities: [...sku.availabilities, { id, termDuration, billingCycles }] }));
      }
      case 'AvailabilityBillingCyclesSet': {
        const { availabilityId, billingCycles } = event.data;
        return mapSku((sku) => ({
          ...sku,
          availabilities: sku.availabilities.map((a) => (a.id === availabilityId ? { ...a, billingCycles } : a)),
        }));
      }
    }
  },
};

function publishProduct(input: ProductInput, current: Product | null): CatalogEvent[] {
  if (!input || typeof input !== 'object') throw badInput('product', 'must be an object');
  const productId = requireId(input.id, 'id');
  if (current && current.id !== productId) throw badInput('id', `does not match the stream's product ${current.id}`);
  const title = requireTitle(input.title, 'title');
  if (!isProductType(input.productType)) throw badInput('productType', 'is not a known product type');
  const productType = input.productType;
  if (current && current.productType !== productType) {
    throw conflict('product-type-immutable', `product ${productId} is a ${current.productType}; its type cannot change`, {
      productId,
      productType: current.productType,
    });
  }
  const segment = input.segment ?? current?.segment ?? 'commercial';
  if (!isSegment(segment)) throw badInput('segment', 'is not a known segment');
  if (!Array.isArray(input.skus) || input.skus.length === 0) throw badInput('skus', 'must list at least one SKU');
  assertUniqueIds(input.skus, 'skus');

  const events: CatalogEvent[] = [];
  if (!current || current.title !== title || current.segment !== segment) {
    events.push({ type: 'ProductPublished', data: { productId, title, productType, segment } });
  }
  input.skus.forEach((skuInput, index) => {
    const path = `skus[${index}]`;
    if (!skuInput || typeof skuInput !== 'object') throw badInput(path, 'must be an object');
    const skuId = requireId(skuInput.id, `${path}.id`);
    const existing = findSku(current, skuId);
    const attributes = skuAttributes(productId, skuId, mergeSku(skuInput, existing, segment), path);
    events.push(...skuEvents(productId, existing, attributes));
    if (!Array.isArray(skuInput.availabilities)) throw badInput(`${path}.availabilities`, 'must be an array');
    if (!existing && skuInput.availabilities.length === 0) {
      throw badInput(`${path}.availabilities`, 'a new SKU needs at least one availability');
    }
    assertUniqueIds(skuInput.availabilities, `${path}.availabilities`);
    skuInput.availabilities.forEach((availabilityInput, i) => {
      events.push(...availabilityEvents(productId, productType, skuId, existing, availabilityInput, `${path}.availabilities[${i}]`));
    });
  });
  return events;
}

function updateSku(command: UpdateSku, current: Product | null): CatalogEvent[] {
  if (!current) throw notFound('product', command.productId);
  const existing = findSku(current, command.skuId);
  if (!existing) throw notFound('sku', skuRefOf(command.productId, command.skuId));
  const changes: SkuChanges = command.changes ?? {};
  const defined = Object.fromEntries(Object.entries(changes).filter(([, value]) => value !== undefined));
  const attributes = skuAttributes(current.id, existing.id, { ...existing, ...defined }, 'changes');
  return skuEvents(current.id, existing, attributes);
}

function mergeSku(input: SkuInput, existing: Sku | undefined, productSegment: Segment): Partial<SkuAttributes> {
  return {
    title: input.title,
    provisioningId: input.provisioningId,
    segment: input.segment ?? existing?.segment ?? productSegment,
    saleStatus: input.saleStatus ?? existing?.saleStatus ?? 'available',
    prerequisiteSkuIds: input.prerequisiteSkuIds ?? existing?.prerequisiteSkuIds ?? [],
    upgradeTargetSkuIds: input.upgradeTargetSkuIds ?? existing?.upgradeTargetSkuIds ?? [],
    cancellable: input.cancellable ?? existing?.cancellable ?? true,
    exchangeable: input.exchangeable ?? existing?.exchangeable ?? true,
    excludedMarkets: input.excludedMarkets ?? existing?.excludedMarkets ?? [],
  };
}

/** Validates and normalises a SKU's attributes (lists deduplicated, markets sorted). */
function skuAttributes(productId: string, skuId: string, raw: Partial<SkuAttributes>, path: string): SkuAttributes {
  const self = skuRefOf(productId, skuId);
  if (!isSegment(raw.segment)) throw badInput(`${path}.segment`, 'is not a known segment');
  if (!isSaleStatus(raw.saleStatus)) throw badInput(`${path}.saleStatus`, 'must be available or end-of-sale');
  if (typeof raw.cancellable !== 'boolean') throw badInput(`${path}.cancellable`, 'must be a boolean');
  if (typeof raw.exchangeable !== 'boolean') throw badInput(`${path}.exchangeable`, 'must be a boolean');
  const provisioningId = raw.provisioningId;
  if (typeof provisioningId !== 'string' || !/^\S[^\p{Cc}]{0,127}$/u.test(provisioningId) || provisioningId !== provisioningId.trim()) {
    throw badInput(`${path}.provisioningId`, 'must be 1 to 128 characters without surrounding spaces');
  }
  const refs = (value: unknown, field: string): string[] => {
    if (!Array.isArray(value) || !value.every(isSkuRef)) {
      throw badInput(`${path}.${field}`, 'must be a list of productId:skuId references');
    }
    if (value.includes(self)) throw badInput(`${path}.${field}`, 'must not name the SKU itself');
    return [...new Set(value)];
  };
  const markets = raw.excludedMarkets;
  if (!Array.isArray(markets) || !markets.every(isKnownMarket)) {
    throw badInput(`${path}.excludedMarkets`, 'must be a list of known ISO 3166 alpha-2 market codes');
  }
  return {
    id: skuId,
    title: requireTitle(raw.title, `${path}.title`),
    provisioningId,
    segment: raw.segment,
    saleStatus: raw.saleStatus,
    prerequisiteSkuIds: refs(raw.prerequisiteSkuIds, 'prerequisiteSkuIds'),
    upgradeTargetSkuIds: refs(raw.upgradeTargetSkuIds, 'upgradeTargetSkuIds'),
    cancellable: raw.cancellable,
    exchangeable: raw.exchangeable,
    excludedMarkets: [...new Set(markets)].sort(),
  };
}

function skuEvents(productId: string, existing: Sku | undefined, next: SkuAttributes): CatalogEvent[] {
  const skuId = next.id;
  if (!existing) {
    const { id: _id, ...attributes } = next;
    return [{ type: 'SkuPublished', data: { productId, skuId, ...attributes } }];
  }
  const events: CatalogEvent[] = [];
  const key = { productId, skuId };
  if (existing.title !== next.title) events.push({ type: 'SkuRenamed', data: { ...key, title: next.title } });
  if (existing.provisioningId !== next.provisioningId) {
    events.push({ type: 'SkuProvisioningIdSet', data: { ...key, provisioningId: next.provisioningId } });
  }
  if (existing.segment !== next.segment) events.push({ type: 'SkuSegmentSet', data: { ...key, segment: next.segment } });
  if (existing.saleStatus !== next.saleStatus) {
    events.push({ type: 'SkuSaleStatusChanged', data: { ...key, saleStatus: next.saleStatus } });
  }
  if (!sameList(existing.prerequisiteSkuIds, next.prerequisiteSkuIds)) {
    events.push({ type: 'SkuPrerequisitesSet', data: { ...key, prerequisiteSkuIds: next.prerequisiteSkuIds } });
  }
  if (!sameList(existing.upgradeTargetSkuIds, next.upgradeTargetSkuIds)) {
    events.push({ type: 'SkuUpgradeTargetsSet', data: { ...key, upgradeTargetSkuIds: next.upgradeTargetSkuIds } });
  }
  if (existing.cancellable !== next.cancellable || existing.exchangeable !== next.exchangeable) {
    events.push({
      type: 'SkuCancellabilitySet',
      data: { ...key, cancellable: next.cancellable, exchangeable: next.exchangeable },
    });
  }
  if (!sameList(existing.excludedMarkets, next.excludedMarkets)) {
    events.push({ type: 'SkuExcludedMarketsSet', data: { ...key, excludedMarkets: next.excludedMarkets } });
  }
  return events;
}

function availabilityEvents(
  productId: string,
  productType: ProductType,
  skuId: string,
  sku: Sku | undefined,
  input: AvailabilityInput,
  path: string,
): CatalogEvent[] {
  if (!input || typeof input !== 'object') throw badInput(path, 'must be an object');
  const availabilityId = requireId(input.id, `${path}.id`);
  const termDuration = input.termDuration ?? null;
  if (termDuration !== null && !isTermDuration(termDuration)) throw badInput(`${path}.termDuration`, 'must be P1M, P1Y or P3Y');
  if (!termAllowed(productType, termDuration)) {
    throw ruleViolation('term-not-allowed', `a ${productType} is not sold with term ${termDuration ?? 'none'}`, {
      field: `${path}.termDuration`,
      productType,
      termDuration,
    });
  }
  const cycles = input.billingCycles;
  if (!Array.isArray(cycles) || cycles.length === 0 || !cycles.every(isBillingCycle)) {
    throw badInput(`${path}.billingCycles`, 'must list at least one of monthly, annual, triennial, onetime');
  }
  const refused = cycles.find((cycle) => !billingCycleAllowed(productType, termDuration, cycle));
  if (refused) {
    throw ruleViolation(
      'billing-plan-not-allowed',
      `billing plan ${refused} is not allowed with term ${termDuration ?? 'none'} for a ${productType}`,
      { field: `${path}.billingCycles`, billingCycle: refused, termDuration },
    );
  }
  const billingCycles = BILLING_CYCLES.filter((cycle) => cycles.includes(cycle));
  const catalogItemId = catalogItemIdOf(productId, skuId, availabilityId);
  const existing = findAvailability(sku, availabilityId);
  if (!existing) {
    return [{ type: 'AvailabilityPublished', data: { productId, skuId, availabilityId, catalogItemId, termDuration, billingCycles } }];
  }
  if (existing.termDuration !== termDuration) {
    throw conflict('availability-term-immutable', `the term of ${catalogItemId} is ${existing.termDuration ?? 'none'}; it cannot change`, {
      catalogItemId,
      termDuration: existing.termDuration,
    });
  }
  if (sameList(existing.billingCycles, billingCycles)) return [];
  return [{ type: 'AvailabilityBillingCyclesSet', data: { productId, skuId, availabilityId, catalogItemId, billingCycles } }];
}

function badInput(field: string, reason: string) {
  return invalid('invalid-product', `${field} ${reason}`, { field, reason });
}

function requireId(value: unknown, field: string): string {
  if (!isCatalogIdPart(value)) throw badInput(field, 'must be 4 to 16 upper-case letters or digits');
  return value;
}

function requireTitle(value: unknown, field: string): string {
  if (typeof value !== 'string' || value.trim().length === 0 || value.length > 256) {
    throw badInput(field, 'must be a non-empty text of at most 256 characters');
  }
  return value;
}

function assertUniqueIds(items: ReadonlyArray<{ id?: unknown }>, field: string): void {
  const seen = new Set<unknown>();
  for (const item of items) {
    if (seen.has(item?.id)) throw badInput(field, `lists ${String(item?.id)} twice`);
    seen.add(item?.id);
  }
}

function sameList(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && a.every((value, index) => value === b[index]);
}
