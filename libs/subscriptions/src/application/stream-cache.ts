import { Inject, Injectable } from '@nestjs/common';
import { EVENT_STORE, type EventStore } from '../../../event-store/src/port';
import { StreamCache as FoldedStreamCache } from '../../../event-store/src/stream-cache';

export type { Folded, FoldRequest } from '../../../event-store/src/stream-cache';

/** The process's cache of folded streams for checkouts (see the event-store StreamCache). */
@Injectable()
export class StreamCache extends FoldedStreamCache {
  constructor(@Inject(EVENT_STORE) store: EventStore) {
    super(store);
  }
}
