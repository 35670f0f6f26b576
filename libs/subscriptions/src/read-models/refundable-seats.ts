import type { SeatBatchAdded, SeatsRemoved, SubscriptionEvent } from '../domain/subscription.events';

/**
 * R-CANCEL-2 in the subscriptions read model: the seats of each batch that still has a removal
 * deadline, so a list can show the refundable quantity at any instant without folding streams.
 * Batches that can never be removed (no deadline) and batches with no seats left are not kept.
 */
export interface RefundableSeats {
  batchId: string;
  remaining: number;
  refundableUntil: string;
}

/** The batches as they start (a purchase, an import, a renewal). */
export function refundableSeatsOf(batches: readonly SeatBatchAdded[]): RefundableSeats[] {
  return batches.flatMap((b) => (b.refundableUntil !== null && b.quantity > 0 ? [{ batchId: b.batchId, remaining: b.quantity, refundableUntil: b.refundableUntil }] : []));
}

function withoutRemoved(seats: readonly RefundableSeats[], removed: readonly SeatsRemoved[]): RefundableSeats[] {
  const taken = new Map(removed.map((r) => [r.batchId, r.quantity]));
  return seats.map((s) => ({ ...s, remaining: s.remaining - (taken.get(s.batchId) ?? 0) })).filter((s) => s.remaining > 0);
}

/** The events that change the refundable seats (the projection reads the row's seats for them). */
export const SEAT_EVENT_TYPES: ReadonlySet<SubscriptionEvent['type']> = new Set([
  'SubscriptionQuantityChanged',
  'SubscriptionCancelled',
  'SubscriptionUpgraded',
  'SubscriptionPartiallyUpgraded',
  'SubscriptionRenewed',
]);

/** The refundable seats after the event, as the subscription's own fold keeps them (subscription.decider.ts). */
export function refundableSeatsAfter(seats: readonly RefundableSeats[], event: SubscriptionEvent): RefundableSeats[] {
  switch (event.type) {
    case 'SubscriptionQuantityChanged': {
      const added = event.data.seatBatch ? refundableSeatsOf([event.data.seatBatch]) : [];
      return withoutRemoved([...seats, ...added], event.data.removed ?? []);
    }
    case 'SubscriptionCancelled':
      return withoutRemoved(seats, event.data.batches);
    // An upgrade opens no window (R-SUB-8): its seats are never removable.
    case 'SubscriptionUpgraded':
    case 'SubscriptionPartiallyUpgraded':
      return withoutRemoved(seats, event.data.removed);
    // The new term's seats are one batch; the previous term's are settled.
    case 'SubscriptionRenewed':
      return refundableSeatsOf([event.data.seatBatch]);
    default:
      return [...seats];
  }
}
