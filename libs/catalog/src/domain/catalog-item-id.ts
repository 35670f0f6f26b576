/**
 * R-CAT-1: an offer is product + SKU + availability, named `productId:skuId:availabilityId`.
 * Each part is 4 to 16 upper-case letters or digits (`CFQ7TTC0LH18`, `0001`).
 */
export const CATALOG_ID_PART = '[A-Z0-9]{4,16}';
const PART = new RegExp(`^${CATALOG_ID_PART}$`);
/** `productId:skuId:availabilityId`, for validators. */
export const CATALOG_ITEM_ID_PATTERN = new RegExp(`^${CATALOG_ID_PART}:${CATALOG_ID_PART}:${CATALOG_ID_PART}$`);
/** `productId:skuId`, for validators. */
export const SKU_REF_PATTERN = new RegExp(`^${CATALOG_ID_PART}:${CATALOG_ID_PART}$`);

export interface CatalogItemRef {
  productId: string;
  skuId: string;
  availabilityId: string;
}

export const isCatalogIdPart = (value: unknown): value is string => typeof value === 'string' && PART.test(value);

export function catalogItemIdOf(productId: string, skuId: string, availabilityId: string): string {
  return `${productId}:${skuId}:${availabilityId}`;
}

/** null when malformed. */
export function parseCatalogItemId(text: unknown): CatalogItemRef | null {
  if (typeof text !== 'string') return null;
  const parts = text.split(':');
  if (parts.length !== 3 || !parts.every((part) => PART.test(part))) return null;
  const [productId, skuId, availabilityId] = parts;
  return { productId, skuId, availabilityId };
}

export const isCatalogItemId = (text: unknown): text is string => parseCatalogItemId(text) !== null;

/** A SKU reference (`productId:skuId`), used by prerequisites and upgrade targets. */
export function skuRefOf(productId: string, skuId: string): string {
  return `${productId}:${skuId}`;
}

export function parseSkuRef(text: unknown): { productId: string; skuId: string } | null {
  if (typeof text !== 'string') return null;
  const parts = text.split(':');
  if (parts.length !== 2 || !parts.every((part) => PART.test(part))) return null;
  return { productId: parts[0], skuId: parts[1] };
}

export const isSkuRef = (text: unknown): text is string => parseSkuRef(text) !== null;
