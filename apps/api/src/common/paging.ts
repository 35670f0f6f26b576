import { DEFAULT_PAGE_SIZE } from '../../../../libs/partners/src/read-models/paging';
import type { ListQueryDto } from '../partners/list-query.dto';

/** One page a list endpoint asks its read model for: up to `limit` items, after the token's position. */
export interface PageRequest {
  limit: number;
  continuationToken?: string;
}

/** `?limit=&continuationToken=` as a page request; every list endpoint pages the same way, DEFAULT_PAGE_SIZE when no limit is sent. */
export function pageRequestFrom(query: ListQueryDto): PageRequest {
  const limit = query.limit ?? DEFAULT_PAGE_SIZE;
  return query.continuationToken === undefined ? { limit } : { limit, continuationToken: query.continuationToken };
}
