import { fold } from '../../../core/src';
import { after, AGENT, e5Offer, offer, purchased, PURCHASED_AT, quoted, SUBSCRIPTION } from '../testing/fixtures';
import type { SubscriptionChanges, SubscriptionCommand } from '../domain/subscription.commands';
import { subscriptionDecider, type ExistingSubscription } from '../domain/subscription.decider';
import type { SubscriptionEvent } from '../domain/subscription.events';
import { refundableSeatsAfter, refundableSeatsOf, type RefundableSeats } from './refundable-seats';

const TERM_END = '2026-01-15T00:00:00.000Z';

const update = (now: string, changes: SubscriptionChanges): SubscriptionCommand => ({ type: 'UpdateSubscription', subscriptionId: SUBSCRIPTION, now, actor: AGENT, changes });
const cancel = (now: string): SubscriptionCommand => ({ type: 'CancelSubscription', subscriptionId: SUBSCRIPTION, now, actor: AGENT });
const upgrade = (now: string, quantity: number): SubscriptionCommand => ({
  type: 'UpgradeSubscription',
  subscriptionId: SUBSCRIPTION,
  now,
  actor: AGENT,
  toCatalogItemId: e5Offer().catalogItemId,
  target: quoted(e5Offer()),
  quantity,
  newSubscriptionId: '55555555-5555-4555-8555-555555555555',
});
const endTerm = (dueAt: string): SubscriptionCommand => ({ type: 'EndSubscriptionTerm', subscriptionId: SUBSCRIPTION, dueAt, now: dueAt, actor: AGENT, renewalOffer: quoted(offer()) });

/** What the subscription's own fold holds as removable: batches with a deadline and seats left. */
function foldedRefundableSeats(history: SubscriptionEvent[]): RefundableSeats[] {
  const state = fold(subscriptionDecider, history) as ExistingSubscription;
  return state.seatBatches
    .filter((b) => b.remaining > 0 && b.refundableUntil !== null)
    .map((b) => ({ batchId: b.batchId, remaining: b.remaining, refundableUntil: b.refundableUntil as string }));
}

/** Runs the commands from a purchase; after every event the read model's seats must equal the fold's. */
function replay(commands: SubscriptionCommand[]): { history: SubscriptionEvent[]; seats: RefundableSeats[] } {
  const first = purchased();
  const history: SubscriptionEvent[] = [first];
  let seats = first.type === 'SubscriptionPurchased' ? refundableSeatsOf([first.data.seatBatch]) : [];
  expect(seats).toEqual(foldedRefundableSeats(history));
  for (const command of commands) {
    const events = subscriptionDecider.decide(command, fold(subscriptionDecider, history));
    expect(events.length).toBeGreaterThan(0);
    for (const event of events) {
      history.push(event);
      seats = refundableSeatsAfter(seats, event);
      expect(seats).toEqual(foldedRefundableSeats(history));
    }
  }
  return { history, seats };
}

describe('refundable seats in the subscriptions read model', () => {
  it('R-CANCEL-2: added batches, removals across batches and a partial upgrade keep the same seats as the fold', () => {
    const { seats } = replay([
      update(after(PURCHASED_AT, 1), { quantity: 13 }),
      update(after(PURCHASED_AT, 2), { quantity: 16 }),
      update(after(PURCHASED_AT, 3), { quantity: 8 }),
      upgrade(after(PURCHASED_AT, 4), 2),
    ]);
    expect(seats.reduce((sum, s) => sum + s.remaining, 0)).toBeGreaterThan(0);
    expect(seats.every((s) => s.remaining > 0)).toBe(true);
  });

  it('R-CANCEL-1 R-CANCEL-2: a cancellation leaves no removable seats', () => {
    expect(replay([update(after(PURCHASED_AT, 1), { quantity: 12 }), cancel(after(PURCHASED_AT, 2))]).seats).toEqual([]);
  });

  it('R-SUB-8: a full upgrade opens no window for its seats', () => {
    const { seats } = replay([upgrade(after(PURCHASED_AT, 1), 10)]);
    expect(seats).toEqual([]);
  });

  it('R-CANCEL-2 R-SUB-6: a renewal starts over with the new term batch', () => {
    const { history, seats } = replay([update(after(PURCHASED_AT, 1), { quantity: 12 }), endTerm(TERM_END)]);
    expect(history.at(-1)?.type).toBe('SubscriptionRenewed');
    expect(seats).toHaveLength(1);
    expect(seats[0]).toMatchObject({ remaining: 12 });
  });
});
