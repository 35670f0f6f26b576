import { invalid } from '../../../core/src';

/** Keyset paging over (created_at, id): stable while rows are added, no offsets. */
export interface PageKey {
  createdAt: string;
  id: string;
}

export interface Page<T> {
  items: T[];
  continuationToken?: string;
}

export const DEFAULT_PAGE_SIZE = 100;
export const MAX_PAGE_SIZE = 500;

export function encodeContinuationToken(key: PageKey): string {
  return Buffer.from(JSON.stringify([key.createdAt, key.id]), 'utf8').toString('base64url');
}

export function decodeContinuationToken(token: string | undefined): PageKey | null {
  if (token === undefined || token === '') return null;
  try {
    const parsed: unknown = JSON.parse(Buffer.from(token, 'base64url').toString('utf8'));
    if (
      Array.isArray(parsed) &&
      parsed.length === 2 &&
      typeof parsed[0] === 'string' &&
      typeof parsed[1] === 'string' &&
      !Number.isNaN(Date.parse(parsed[0]))
    ) {
      return { createdAt: parsed[0], id: parsed[1] };
    }
  } catch {
    // fall through to the refusal below
  }
  throw invalid('invalid-continuation-token', 'continuationToken is not one this API issued', { field: 'continuationToken' });
}

/** Rows fetched with limit + 1: the extra row only tells that another page exists. */
export function toPage<TRow, TItem>(
  rows: TRow[],
  limit: number,
  keyOf: (row: TRow) => PageKey,
  map: (row: TRow) => TItem,
): Page<TItem> {
  const visible = rows.slice(0, limit);
  const page: Page<TItem> = { items: visible.map(map) };
  if (rows.length > limit && visible.length > 0) page.continuationToken = encodeContinuationToken(keyOf(visible[visible.length - 1]));
  return page;
}
