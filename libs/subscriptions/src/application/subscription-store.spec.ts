import type { CustomerAccess } from '../../../customers/src/application/customer-access';
import type { CommandContext } from '../../../event-store/src/handle-command';
import { InMemoryEventStore } from '../../../event-store/src/in-memory/in-memory-event-store';
import type { SubscriptionChanges } from '../domain/subscription.commands';
import { AGENT, CUSTOMER, purchased, PURCHASED_AT, SUBSCRIPTION } from '../testing/fixtures';
import { SubscriptionStore } from './subscription-store';
import { metadataFor, subscriptionStream } from './streams';

const context = (hours: number): CommandContext => ({
  actor: AGENT,
  correlationId: 'c',
  causationId: 'c',
  now: new Date(Date.parse(PURCHASED_AT) + hours * 3_600_000),
});

const noCustomers = { load: async () => ({ state: { exists: false }, version: -1 }) } as unknown as CustomerAccess;

/** Two API processes over one log: each decides first on the state it last saw. */
describe('SubscriptionStore', () => {
  let log: InMemoryEventStore;
  let a: SubscriptionStore;
  let b: SubscriptionStore;

  beforeEach(async () => {
    log = new InMemoryEventStore();
    const event = purchased();
    await log.appendToStream(subscriptionStream(SUBSCRIPTION), -1, [
      { eventId: '9b1d3a52-7c1e-4e55-9a43-0d6f3b2a1c01', type: event.type, data: event.data, metadata: metadataFor(context(0), '9b1d3a52-7c1e-4e55-9a43-0d6f3b2a1c01') },
    ]);
    a = new SubscriptionStore(log, noCustomers);
    b = new SubscriptionStore(log, noCustomers);
  });

  const change = (store: SubscriptionStore, hours: number, changes: SubscriptionChanges) =>
    store.execute(CUSTOMER, SUBSCRIPTION, context(hours), () => ({ type: 'UpdateSubscription', subscriptionId: SUBSCRIPTION, now: context(hours).now.toISOString(), actor: AGENT, changes }));

  it('decides again on the current state when another process wrote in between', async () => {
    await change(a, 1, { quantity: 12 });
    await change(b, 2, { quantity: 15 });
    const result = await change(a, 3, { autoRenewEnabled: false });
    expect(result.state).toMatchObject({ quantity: 15, autoRenewEnabled: false });
    expect((await log.readStream(subscriptionStream(SUBSCRIPTION))).version).toBe(3);
  });

  it('does not take a change for a no-op because of an old state', async () => {
    await change(a, 1, { quantity: 12 });
    await change(b, 2, { quantity: 15 });
    const result = await change(a, 3, { quantity: 12 });
    expect(result.appended.map((e) => e.type)).toEqual(['SubscriptionQuantityChanged']);
    expect(result.state.quantity).toBe(12);
  });

  it('refuses from the current state, not from an old one', async () => {
    await change(a, 1, { friendlyName: 'seen' });
    await change(b, 2, { status: 'suspended' });
    await expect(change(a, 3, { quantity: 13 })).rejects.toMatchObject({ code: 'subscription-not-active' });
    await change(b, 4, { status: 'active' });
    // `a` now holds the suspended state; the subscription is active again.
    const result = await change(a, 5, { quantity: 13 });
    expect(result.state).toMatchObject({ status: 'active', quantity: 13 });
  });
});
