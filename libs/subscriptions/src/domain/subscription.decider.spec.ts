import { fold, prorate } from '../../../core/src';
import { given } from '../../../event-store/src/testing/given-when-then';
import {
  ADMIN_AGENT,
  after,
  AGENT,
  CUSTOMER,
  e5Offer,
  offer,
  ORDER,
  PARTNER,
  purchased,
  PURCHASED_AT,
  quoted,
  SUBSCRIPTION,
  usd,
} from '../testing/fixtures';
import { pricingOf, subscriptionOfferOf } from './purchase';
import type { SubscriptionCommand, SubscriptionChanges } from './subscription.commands';
import { subscriptionAccess, subscriptionDecider, type ExistingSubscription } from './subscription.decider';
import type {
  ScheduledNextTermInstructions,
  SubscriptionEvent,
  SubscriptionImportedData,
  SubscriptionPartiallyUpgradedData,
  SubscriptionPurchasedData,
  SubscriptionQuantityChangedData,
  SubscriptionUpgradedData,
} from './subscription.events';

const REF = { subscriptionId: SUBSCRIPTION, customerId: CUSTOMER, partnerTenantId: PARTNER };

const update = (now: string, changes: SubscriptionChanges): SubscriptionCommand => ({
  type: 'UpdateSubscription',
  subscriptionId: SUBSCRIPTION,
  now,
  actor: AGENT,
  changes,
});
const cancel = (now: string, actor = AGENT): SubscriptionCommand => ({ type: 'CancelSubscription', subscriptionId: SUBSCRIPTION, now, actor });

const instructions = (overrides: Partial<ScheduledNextTermInstructions> = {}): ScheduledNextTermInstructions => ({
  catalogItemId: offer().catalogItemId,
  quantity: 5,
  termDuration: 'P1Y',
  billingCycle: 'annual',
  ...overrides,
});
const schedule = (now: string, overrides: Partial<ScheduledNextTermInstructions> = {}, allowed: string[] = []): SubscriptionCommand => {
  const set = instructions(overrides);
  return {
    type: 'SetScheduledChanges',
    subscriptionId: SUBSCRIPTION,
    now,
    actor: AGENT,
    instructions: set,
    target: quoted(set.catalogItemId === offer().catalogItemId ? offer() : e5Offer()),
    allowedCustomTermEndDates: allowed,
  };
};
const upgrade = (now: string, quantity: number, target = e5Offer()): SubscriptionCommand => ({
  type: 'UpgradeSubscription',
  subscriptionId: SUBSCRIPTION,
  now,
  actor: AGENT,
  toCatalogItemId: target.catalogItemId,
  target: quoted(target),
  quantity,
  newSubscriptionId: '55555555-5555-4555-8555-555555555555',
});

const state = (history: SubscriptionEvent[]) => fold(subscriptionDecider, history) as ExistingSubscription;
const decide = (history: SubscriptionEvent[], command: SubscriptionCommand) => subscriptionDecider.decide(command, state(history));
const scheduled = (at = after(PURCHASED_AT, 1)): SubscriptionEvent => decide([purchased()], schedule(at))[0];

describe('subscription decider', () => {
  describe('purchase', () => {
    it('R-SUB-2 R-PRICE-5 R-SUB-4: the purchase records term dates, price, discount and the charge; auto-renew on', () => {
      const event = purchased({ offer: offer({ discountPercent: 15, promotionId: 'PROMO' }) });
      expect(event.data).toMatchObject({
        effectiveStartDate: '2025-01-15',
        commitmentEndDate: '2026-01-14',
        autoRenewEnabled: true,
        purchasedAt: PURCHASED_AT,
        pricing: { unitPrice: usd(43_200), discountPercent: 15, discountedUnitPrice: usd(36_720), promotionId: 'PROMO' },
        charge: {
          type: 'purchase',
          amount: usd(367_200),
          quantity: 10,
          unitPrice: usd(43_200),
          discountPercent: 15,
          period: { start: '2025-01-15', end: '2026-01-14' },
          proration: { days: 365, ofDays: 365 },
        },
        fullRefundUntil: '2025-01-16T10:00:00.000Z',
        cancellationAllowedUntil: '2025-01-22T10:00:00.000Z',
        seatBatch: { batchId: '1', quantity: 10, refundableUntil: '2025-01-22T10:00:00.000Z' },
      });
    });

    it('R-SUB-3: a shortened first term is prorated', () => {
      const event = purchased({ commitmentEndDate: '2025-12-31', termEndAlignment: 'calendarMonthAligned' });
      // 2025-01-15T10:00 to 2026-01-01T00:00 is 351 started days of a 365-day year.
      expect(event.data).toMatchObject({
        commitmentEndDate: '2025-12-31',
        termEndAlignment: 'calendarMonthAligned',
        charge: { amount: prorate(usd(432_000), 351, 365), period: { start: '2025-01-15', end: '2025-12-31' }, proration: { days: 351, ofDays: 365 } },
      });
    });

    it('R-SUB-9: monthly billing charges the first month of an annual term', () => {
      const event = purchased({ offer: offer({ billingCycle: 'monthly', unitPrice: usd(3_600) }) });
      expect(event.data).toMatchObject({ charge: { amount: usd(36_000), period: { start: '2025-01-15', end: '2025-02-14' }, proration: { days: 31, ofDays: 31 } } });
    });

    it('R-SUB-4: software subscriptions bought before 2021-10-14 never auto-renew', () => {
      const software = offer({ productType: 'software-subscription' });
      expect(purchased({ offer: software, now: '2021-10-13T23:59:59.000Z' }).data).toMatchObject({ autoRenewEnabled: false });
      expect(purchased({ offer: software, now: '2021-10-14T00:00:00.000Z' }).data).toMatchObject({ autoRenewEnabled: true });
    });
  });

  describe('state a subscription starts with', () => {
    // Every field a new subscription has no history for yet, whichever event created it.
    const untouched = {
      exists: true,
      status: 'active',
      scheduledNextTermInstructions: null,
      partialUpgradeTargets: [],
      suspendedAt: null,
      cancelledAt: null,
      expiredAt: null,
      graceEndsAt: null,
      disabledAt: null,
      deletesAt: null,
      deletedAt: null,
    };

    it('a purchase starts with its order, windows and charged seat batch', () => {
      const event = purchased({ reseller: { partnerId: '7654321', tenantId: 'reseller-a' } });
      const data = event.data as SubscriptionPurchasedData;
      expect(state([event])).toEqual({
        ...untouched,
        ...REF,
        orderId: ORDER,
        offer: data.offer,
        pricing: data.pricing,
        termDuration: 'P1Y',
        billingCycle: 'annual',
        quantity: 10,
        autoRenewEnabled: true,
        friendlyName: 'Microsoft 365 E3 (no Teams)',
        creationDate: PURCHASED_AT,
        termStartedAt: PURCHASED_AT,
        effectiveStartDate: '2025-01-15',
        commitmentEndDate: '2026-01-14',
        termEndAlignment: null,
        reseller: { partnerId: '7654321', tenantId: 'reseller-a' },
        fullRefundUntil: '2025-01-16T10:00:00.000Z',
        cancellationAllowedUntil: '2025-01-22T10:00:00.000Z',
        seatBatches: [
          {
            batchId: '1',
            quantity: 10,
            remaining: 10,
            addedAt: PURCHASED_AT,
            refundableUntil: '2025-01-22T10:00:00.000Z',
            charged: usd(432_000),
            chargedDays: 365,
          },
        ],
        nextBatchNumber: 2,
        upgradedFrom: null,
        autoRenewAvailable: true,
        continuesSubscriptionId: null,
        importedFrom: null,
      });
    });

    it('a purchase by partial upgrade or in a grace period names where it came from; its batch number carries on', () => {
      const base = purchased().data as SubscriptionPurchasedData;
      const upgradedFrom = { subscriptionId: 'old-sub', catalogItemId: offer().catalogItemId };
      const data: SubscriptionPurchasedData = {
        ...base,
        orderId: null,
        termEndAlignment: 'calendarMonthAligned',
        fullRefundUntil: null,
        cancellationAllowedUntil: null,
        seatBatch: { batchId: '3', quantity: 10, refundableUntil: null },
        charge: { ...base.charge, proration: undefined },
        upgradedFrom,
        continuesSubscriptionId: 'expired-sub',
      };
      expect(state([{ type: 'SubscriptionPurchased', data }])).toMatchObject({
        orderId: null,
        termEndAlignment: 'calendarMonthAligned',
        fullRefundUntil: null,
        cancellationAllowedUntil: null,
        seatBatches: [{ batchId: '3', quantity: 10, remaining: 10, addedAt: PURCHASED_AT, refundableUntil: null, charged: usd(432_000), chargedDays: 0 }],
        nextBatchNumber: 4,
        upgradedFrom,
        continuesSubscriptionId: 'expired-sub',
      });
    });

    it('R-SUB-4: an import starts past its windows with one uncharged batch and names its source', () => {
      const data: SubscriptionImportedData = {
        ...REF,
        importedAt: '2024-01-10T08:00:00.000Z',
        offer: subscriptionOfferOf(offer({ productType: 'software-subscription' })),
        termDuration: 'P3Y',
        billingCycle: 'triennial',
        quantity: 2,
        pricing: pricingOf(offer({ unitPrice: usd(12_000) })),
        friendlyName: 'Imported',
        autoRenewEnabled: false,
        termStartedAt: '2021-09-01T00:00:00.000Z',
        effectiveStartDate: '2021-09-01',
        commitmentEndDate: '2024-08-31',
        reseller: null,
        source: 'legacy-4711',
      };
      expect(state([{ type: 'SubscriptionImported', data }])).toEqual({
        ...untouched,
        ...REF,
        orderId: null,
        offer: data.offer,
        pricing: data.pricing,
        termDuration: 'P3Y',
        billingCycle: 'triennial',
        quantity: 2,
        autoRenewEnabled: false,
        friendlyName: 'Imported',
        creationDate: '2021-09-01T00:00:00.000Z',
        termStartedAt: '2021-09-01T00:00:00.000Z',
        effectiveStartDate: '2021-09-01',
        commitmentEndDate: '2024-08-31',
        termEndAlignment: null,
        reseller: null,
        fullRefundUntil: null,
        cancellationAllowedUntil: null,
        seatBatches: [
          { batchId: '1', quantity: 2, remaining: 2, addedAt: '2021-09-01T00:00:00.000Z', refundableUntil: null, charged: usd(0), chargedDays: 0 },
        ],
        nextBatchNumber: 2,
        upgradedFrom: null,
        autoRenewAvailable: false,
        continuesSubscriptionId: null,
        importedFrom: 'legacy-4711',
      });
    });
  });

  describe('cancellation window (R-CANCEL-1)', () => {
    it('R-CANCEL-1: cancel at 23:59:59 after purchase gives a full refund and deletes the subscription', () => {
      const events = given(subscriptionDecider, [purchased()]).when(cancel(after(PURCHASED_AT, 23, 3599))).then([
        {
          type: 'SubscriptionCancelled',
          data: {
            ...REF,
            cancelledAt: '2025-01-16T09:59:59.000Z',
            refundType: 'Full',
            refund: {
              type: 'cancellation-refund',
              amount: usd(-432_000),
              quantity: 10,
              unitPrice: usd(43_200),
              discountPercent: 0,
              discountedUnitPrice: usd(43_200),
              period: { start: '2025-01-15', end: '2026-01-14' },
            },
            batches: [{ batchId: '1', quantity: 10, credit: usd(-432_000), unusedDays: 365, chargedDays: 365 }],
          },
        },
      ]);
      expect(fold(subscriptionDecider, [purchased(), ...events])).toMatchObject({ status: 'deleted', autoRenewEnabled: false });
    });

    it('R-CANCEL-1: cancel at 24:00:00 is Partial, prorated by whole days used', () => {
      const [event] = decide([purchased()], cancel(after(PURCHASED_AT, 24)));
      expect(event).toMatchObject({
        type: 'SubscriptionCancelled',
        data: { refundType: 'Partial', refund: { amount: usd(-430_816), period: { start: '2025-01-16', end: '2026-01-14' } } },
      });
      // one day used: 432,000 * 364 / 365 = 430,816.4 -> 430,816
      expect(prorate(usd(432_000), 364, 365)).toEqual(usd(430_816));
    });

    it('R-CANCEL-1: cancel at 167:59:59 is still Partial (7 started days used)', () => {
      const [event] = decide([purchased()], cancel(after(PURCHASED_AT, 167, 3599)));
      expect(event).toMatchObject({ data: { refundType: 'Partial', refund: { amount: usd(-423_715) }, batches: [{ unusedDays: 358 }] } });
    });

    it('R-CANCEL-1: cancel at 168:00:00 is refused, naming the window\'s end', () => {
      const error = given(subscriptionDecider, [purchased()]).when(cancel(after(PURCHASED_AT, 168))).thenThrows('cancellation-window-closed');
      expect(error.message).toContain('2025-01-22T10:00:00.000Z');
      expect(error.details).toEqual({ cancellationAllowedUntil: '2025-01-22T10:00:00.000Z' });
    });

    it('R-CANCEL-1: a cancelled subscription cannot be cancelled or changed again', () => {
      const cancelled = [purchased(), ...decide([purchased()], cancel(after(PURCHASED_AT, 1)))];
      given(subscriptionDecider, cancelled).when(cancel(after(PURCHASED_AT, 2))).thenThrows('subscription-not-active');
      given(subscriptionDecider, cancelled).when(update(after(PURCHASED_AT, 2), { status: 'active' })).thenThrows('subscription-not-active');
    });

    it('R-CANCEL-1: the refund covers the seats added since, each batch by its own days used', () => {
      const added = decide([purchased()], update(after(PURCHASED_AT, 48), { quantity: 15 }));
      const [cancelled] = decide([purchased(), ...added], cancel(after(PURCHASED_AT, 72)));
      // batch 1: 3 days used of 365; batch 2 (charged 214,816 for 363 days): 1 day used.
      const batch1 = prorate(usd(432_000), 362, 365).minor;
      const batch2 = prorate(usd(214_816), 362, 363).minor;
      expect(cancelled).toMatchObject({ data: { refundType: 'Partial', refund: { amount: usd(-(batch1 + batch2)), quantity: 15 } } });
    });

    it('R-CAT-9: a non-cancellable offer cannot be cancelled and shows no window', () => {
      const history = [purchased({ offer: offer({ productType: 'software-subscription', cancellable: false, exchangeable: false }) })];
      expect(history[0].data).toMatchObject({ cancellationAllowedUntil: null, fullRefundUntil: null });
      given(subscriptionDecider, history).when(cancel(after(PURCHASED_AT, 1), ADMIN_AGENT)).thenThrows('not-cancellable');
    });

    it('R-ROLE-3: cancelling a software purchase needs the admin agent', () => {
      const history = [purchased({ offer: offer({ productType: 'software-subscription' }) })];
      given(subscriptionDecider, history).when(cancel(after(PURCHASED_AT, 1))).thenThrows('forbidden');
      expect(decide(history, cancel(after(PURCHASED_AT, 1), ADMIN_AGENT))[0].type).toBe('SubscriptionCancelled');
    });
  });

  describe('seats (R-CANCEL-2)', () => {
    it('R-CANCEL-2: an increase is charged prorated for the rest of the term and opens its own 7-day batch', () => {
      given(subscriptionDecider, [purchased()]).when(update(after(PURCHASED_AT, 48), { quantity: 15 })).then([
        {
          type: 'SubscriptionQuantityChanged',
          data: {
            ...REF,
            previousQuantity: 10,
            quantity: 15,
            changedAt: '2025-01-17T10:00:00.000Z',
            seatBatch: { batchId: '2', quantity: 5, refundableUntil: '2025-01-24T10:00:00.000Z' },
            charge: {
              type: 'seat-increase',
              amount: usd(214_816),
              quantity: 5,
              unitPrice: usd(43_200),
              discountPercent: 0,
              discountedUnitPrice: usd(43_200),
              period: { start: '2025-01-17', end: '2026-01-14' },
              proration: { days: 363, ofDays: 365 },
            },
          },
        },
      ]);
    });

    it('R-CANCEL-2: seats of a batch can be removed until 167:59:59 after it was added, with a prorated credit', () => {
      const history = [purchased(), ...decide([purchased()], update(after(PURCHASED_AT, 48), { quantity: 15 }))];
      const [removed] = decide(history, update(after(PURCHASED_AT, 72), { quantity: 13 }));
      expect((removed.data as SubscriptionQuantityChangedData).removed).toEqual([
        { batchId: '2', quantity: 2, credit: usd(-85_690), unusedDays: 362, chargedDays: 363 },
      ]);
      expect(removed.data).toMatchObject({ credit: { type: 'seat-decrease-credit', amount: usd(-85_690), quantity: 2 } });

      const lastSecond = after(PURCHASED_AT, 48 + 167, 3599);
      expect(decide(history, update(lastSecond, { quantity: 10 }))[0].data).toMatchObject({ quantity: 10 });
      // batch 1's window closed at +168 h, so only batch 2's five seats are refundable then.
      const refused = given(subscriptionDecider, history).when(update(lastSecond, { quantity: 9 })).thenThrows('seat-reduction-window-closed');
      expect(refused.details).toMatchObject({ refundableQuantity: 5, details: [{ quantity: 5, allowedUntilDateTime: '2025-01-24T10:00:00.000Z' }] });
      given(subscriptionDecider, history).when(update(after(PURCHASED_AT, 48 + 168), { quantity: 14 })).thenThrows('seat-reduction-window-closed');
    });

    it('R-CANCEL-2: the purchase batch is removable until 167:59:59 and not at 168:00:00', () => {
      expect(decide([purchased()], update(after(PURCHASED_AT, 167, 3599), { quantity: 1 }))[0].data).toMatchObject({ quantity: 1 });
      given(subscriptionDecider, [purchased()]).when(update(after(PURCHASED_AT, 168), { quantity: 9 })).thenThrows('seat-reduction-window-closed');
    });

    it('R-CANCEL-2: removed seats are no longer refundable and their charge is reduced', () => {
      const history = [purchased(), ...decide([purchased()], update(after(PURCHASED_AT, 1), { quantity: 4 }))];
      const s = state(history);
      expect(s.seatBatches).toEqual([expect.objectContaining({ batchId: '1', quantity: 10, remaining: 4 })]);
      given(subscriptionDecider, history).when(update(after(PURCHASED_AT, 2), { quantity: 0 })).thenThrows('quantity-below-minimum');
    });

    it('R-CANCEL-2 R-CAT-9: seats added to a non-cancellable license open no removal window', () => {
      const history = [purchased({ offer: offer({ cancellable: false }) })];
      const [added] = decide(history, update(after(PURCHASED_AT, 1), { quantity: 12 }));
      expect(added.data).toMatchObject({ seatBatch: { quantity: 2, refundableUntil: null } });
      given(subscriptionDecider, [...history, added]).when(update(after(PURCHASED_AT, 2), { quantity: 11 })).thenThrows('seat-reduction-window-closed');
    });

    it('refuses a quantity above the offer\'s maximum', () => {
      given(subscriptionDecider, [purchased()]).when(update(after(PURCHASED_AT, 1), { quantity: 10_001 })).thenThrows('quantity-above-maximum');
    });

    it('R-SW-3: software subscriptions take increases but no reductions', () => {
      const history = [purchased({ offer: offer({ productType: 'software-subscription' }) })];
      given(subscriptionDecider, history).when(update(after(PURCHASED_AT, 1), { quantity: 9 })).thenThrows('seat-reduction-not-allowed');
      expect(decide(history, update(after(PURCHASED_AT, 1), { quantity: 11 }))[0].type).toBe('SubscriptionQuantityChanged');
    });
  });

  describe('auto-renew, name, reseller, suspension', () => {
    it('R-SUB-4: auto-renew can be turned off and on before the end date, not after', () => {
      const off = decide([purchased()], update(after(PURCHASED_AT, 1), { autoRenewEnabled: false }));
      expect(off).toEqual([{ type: 'SubscriptionAutoRenewChanged', data: { ...REF, autoRenewEnabled: false, reason: 'requested' } }]);
      expect(decide([purchased(), ...off], update(after(PURCHASED_AT, 2), { autoRenewEnabled: true }))[0].data).toMatchObject({ autoRenewEnabled: true });
      // From the end instant until its renewal or expiry has run: 409 with a retry hint.
      given(subscriptionDecider, [purchased(), ...off]).when(update('2026-01-15T00:00:00.000Z', { autoRenewEnabled: true })).thenThrows('renewal-in-progress');
      expect(decide([purchased(), ...off], update('2026-01-14T23:59:59.000Z', { autoRenewEnabled: true }))).toHaveLength(1);
      given(subscriptionDecider, [purchased()]).when(update(after(PURCHASED_AT, 1), { autoRenewEnabled: true })).then([]);
    });

    it('R-SUB-10: suspending keeps billing and turns auto-renew off; reactivating restores active', () => {
      const suspended = decide([purchased(), scheduled()], update(after(PURCHASED_AT, 2), { status: 'suspended' }));
      expect(suspended.map((e) => e.type)).toEqual(['SubscriptionSuspended', 'SubscriptionAutoRenewChanged', 'SubscriptionScheduledChangesCleared']);
      expect(suspended[1].data).toMatchObject({ autoRenewEnabled: false, reason: 'suspended' });
      const history = [purchased(), scheduled(), ...suspended];
      expect(state(history)).toMatchObject({ status: 'suspended', autoRenewEnabled: false, scheduledNextTermInstructions: null });
      given(subscriptionDecider, history).when(update(after(PURCHASED_AT, 3), { quantity: 12 })).thenThrows('subscription-not-active');
      given(subscriptionDecider, history).when(update(after(PURCHASED_AT, 3), { autoRenewEnabled: true })).thenThrows('auto-renew-not-allowed-while-suspended');
      const reactivated = decide(history, update(after(PURCHASED_AT, 3), { status: 'active' }));
      expect(reactivated.map((e) => e.type)).toEqual(['SubscriptionReactivated']);
      expect(state([...history, ...reactivated])).toMatchObject({ status: 'active', autoRenewEnabled: false });
    });

    it('changes the friendly name and the indirect reseller (R-IND-2, R-IND-4)', () => {
      const owner = { kind: 'indirect-provider' as const, region: 'united-states' };
      const reseller = { tenantId: 'reseller-tenant', kind: 'indirect-reseller' as const, region: 'united-states' };
      const events = decide([purchased()], update(after(PURCHASED_AT, 1), { friendlyName: 'Sales team', reseller: { partnerId: '7654321', partner: reseller, owner } }));
      expect(events).toEqual([
        { type: 'SubscriptionFriendlyNameChanged', data: { ...REF, friendlyName: 'Sales team' } },
        { type: 'SubscriptionResellerChanged', data: { ...REF, reseller: { partnerId: '7654321', tenantId: 'reseller-tenant' } } },
      ]);
      const at = after(PURCHASED_AT, 1);
      given(subscriptionDecider, [purchased()]).when(update(at, { reseller: { partnerId: '1', partner: null, owner } })).thenThrows('reseller-not-found');
      given(subscriptionDecider, [purchased()])
        .when(update(at, { reseller: { partnerId: '1', partner: { ...reseller, kind: 'direct' }, owner } }))
        .thenThrows('not-an-indirect-reseller');
      given(subscriptionDecider, [purchased()])
        .when(update(at, { reseller: { partnerId: '1', partner: reseller, owner: { ...owner, kind: 'direct' } } }))
        .thenThrows('not-an-indirect-provider');
      const withReseller = [purchased(), ...events];
      expect(decide(withReseller, update(at, { reseller: { partnerId: null, partner: null, owner } }))[0].data).toMatchObject({ reseller: null });
    });

    it('a refused part of a PATCH writes nothing at all', () => {
      given(subscriptionDecider, [purchased()]).when(update(after(PURCHASED_AT, 200), { friendlyName: 'x', quantity: 5 })).thenThrows('seat-reduction-window-closed');
    });
  });

  describe('scheduled changes (R-SUB-5)', () => {
    it('R-SUB-5: sets, replaces and clears the next term\'s instructions', () => {
      const set = decide([purchased()], schedule(after(PURCHASED_AT, 1)));
      expect(set).toEqual([{ type: 'SubscriptionScheduledChangesSet', data: { ...REF, instructions: instructions() } }]);
      const replaced = decide([purchased(), ...set], schedule(after(PURCHASED_AT, 2), { quantity: 8, billingCycle: 'monthly' }));
      expect(replaced[0].data).toMatchObject({ instructions: { quantity: 8, billingCycle: 'monthly' } });
      given(subscriptionDecider, [purchased(), ...set]).when(schedule(after(PURCHASED_AT, 2))).then([]);
      const cleared = decide([purchased(), ...set], { type: 'ClearScheduledChanges', subscriptionId: SUBSCRIPTION, now: after(PURCHASED_AT, 3), actor: AGENT });
      expect(cleared).toEqual([{ type: 'SubscriptionScheduledChangesCleared', data: { ...REF, reason: 'requested' } }]);
      given(subscriptionDecider, [purchased()]).when({ type: 'ClearScheduledChanges', subscriptionId: SUBSCRIPTION, now: after(PURCHASED_AT, 3), actor: AGENT }).then([]);
    });

    it('R-SUB-5: needs auto-renew on, an active subscription and a running term', () => {
      const off = decide([purchased()], update(after(PURCHASED_AT, 1), { autoRenewEnabled: false }));
      given(subscriptionDecider, [purchased(), ...off]).when(schedule(after(PURCHASED_AT, 2))).thenThrows('auto-renew-required');
      given(subscriptionDecider, [purchased()]).when(schedule('2026-01-15T00:00:00.000Z')).thenThrows('renewal-in-progress');
    });

    it('R-SUB-5: may schedule an upgrade target or a custom end date, nothing else', () => {
      expect(decide([purchased()], schedule(after(PURCHASED_AT, 1), { catalogItemId: e5Offer().catalogItemId }))).toHaveLength(1);
      const other = { ...schedule(after(PURCHASED_AT, 1)), instructions: instructions({ catalogItemId: 'CFQ7TTC0LH18:0001:CFQ7TTC0TM2B' }) };
      given(subscriptionDecider, [purchased()]).when(other).thenThrows('upgrade-target-not-eligible');
      given(subscriptionDecider, [purchased()]).when(schedule(after(PURCHASED_AT, 1), { customTermEndDate: '2026-06-30' })).thenThrows('custom-term-end-date-not-allowed');
      expect(decide([purchased()], schedule(after(PURCHASED_AT, 1), { customTermEndDate: '2026-12-31' }, ['2026-12-31']))).toHaveLength(1);
      given(subscriptionDecider, [purchased()]).when(schedule(after(PURCHASED_AT, 1), { quantity: 0 })).thenThrows('quantity-below-minimum');
      const refused = { ...schedule(after(PURCHASED_AT, 1)), target: { ok: false as const, refusal: { code: 'sku-end-of-sale' as const, message: 'eos', details: {} } } };
      given(subscriptionDecider, [purchased()]).when(refused).thenThrows('sku-end-of-sale');
    });

    it('R-SUB-5: any immediate change clears them: cancel, auto-renew off, quantity change, upgrade', () => {
      const history = [purchased(), scheduled()];
      const at = after(PURCHASED_AT, 2);
      const cleared = (events: SubscriptionEvent[]) => events.find((e) => e.type === 'SubscriptionScheduledChangesCleared')?.data;
      expect(cleared(decide(history, cancel(at)))).toMatchObject({ reason: 'cancelled' });
      expect(cleared(decide(history, update(at, { autoRenewEnabled: false })))).toMatchObject({ reason: 'auto-renew-off' });
      expect(cleared(decide(history, update(at, { quantity: 12 })))).toMatchObject({ reason: 'quantity-changed' });
      expect(cleared(decide(history, update(at, { quantity: 8 })))).toMatchObject({ reason: 'quantity-changed' });
      expect(cleared(decide(history, upgrade(at, 10)))).toMatchObject({ reason: 'upgraded' });
      expect(cleared(decide(history, update(at, { friendlyName: 'renamed' })))).toBeUndefined();
    });
  });

  describe('upgrades (R-SUB-8)', () => {
    it('R-SUB-8 R-CAT-8: a full upgrade keeps the id, credits the old SKU and charges the new one; no cancellation window', () => {
      const at = after(PURCHASED_AT, 48);
      const [event] = decide([purchased()], upgrade(at, 10));
      const data = event.data as SubscriptionUpgradedData;
      expect(event.type).toBe('SubscriptionUpgraded');
      expect(data).toMatchObject({
        ...REF,
        from: { catalogItemId: offer().catalogItemId },
        offer: { catalogItemId: e5Offer().catalogItemId, skuTitle: 'Microsoft 365 E5 (no Teams)' },
        pricing: { unitPrice: usd(68_400) },
        quantity: 10,
        credit: { type: 'upgrade-credit', amount: usd(-429_633), quantity: 10 },
        charge: { type: 'upgrade-charge', amount: usd(680_252), quantity: 10, proration: { days: 363, ofDays: 365 } },
      });
      const after_ = state([purchased(), event]);
      expect(after_).toMatchObject({ subscriptionId: SUBSCRIPTION, cancellationAllowedUntil: null, fullRefundUntil: null });
      given(subscriptionDecider, [purchased(), event]).when(cancel(after(PURCHASED_AT, 49))).thenThrows('cancellation-window-closed');
      given(subscriptionDecider, [purchased(), event]).when(update(after(PURCHASED_AT, 49), { quantity: 9 })).thenThrows('seat-reduction-window-closed');
    });

    it('R-SUB-8: a partial upgrade of N seats creates a new subscription with the same end date and lowers the source by N', () => {
      const at = after(PURCHASED_AT, 48);
      const [event] = decide([purchased({ commitmentEndDate: '2025-12-31' })], upgrade(at, 4));
      const data = event.data as SubscriptionPartiallyUpgradedData;
      expect(event.type).toBe('SubscriptionPartiallyUpgraded');
      expect(data).toMatchObject({ quantity: 4, previousQuantity: 10, remainingQuantity: 6, toSubscriptionId: '55555555-5555-4555-8555-555555555555' });
      expect(data.newSubscription).toMatchObject({
        subscriptionId: '55555555-5555-4555-8555-555555555555',
        transactionType: 'upgrade',
        quantity: 4,
        commitmentEndDate: '2025-12-31',
        effectiveStartDate: '2025-01-17',
        offer: { catalogItemId: e5Offer().catalogItemId },
        cancellationAllowedUntil: null,
        fullRefundUntil: null,
        seatBatch: { refundableUntil: null },
        upgradedFrom: { subscriptionId: SUBSCRIPTION, catalogItemId: offer().catalogItemId },
      });
      expect(state([purchased(), event])).toMatchObject({ quantity: 6, partialUpgradeTargets: ['55555555-5555-4555-8555-555555555555'] });
      const created = fold(subscriptionDecider, [{ type: 'SubscriptionPurchased', data: data.newSubscription }] as SubscriptionEvent[]);
      expect(created).toMatchObject({ quantity: 4, cancellationAllowedUntil: null, commitmentEndDate: '2025-12-31' });
    });

    it('R-SUB-8: refuses targets that are not upgrade targets, more seats than held, and non-exchangeable offers (R-CAT-9)', () => {
      const at = after(PURCHASED_AT, 1);
      given(subscriptionDecider, [purchased()]).when(upgrade(at, 11)).thenThrows('upgrade-quantity-exceeds-subscription');
      given(subscriptionDecider, [purchased()]).when(upgrade(at, 1, offer({ catalogItemId: 'CFQ7TTC0LH18:0001:CFQ7TTC0TM2B', productId: 'CFQ7TTC0LH18', skuId: '0001' }))).thenThrows('upgrade-target-not-eligible');
      given(subscriptionDecider, [purchased({ offer: offer({ exchangeable: false }) })]).when(upgrade(at, 10)).thenThrows('not-exchangeable');
      given(subscriptionDecider, [purchased()]).when(upgrade(at, 10, e5Offer({ billingCycle: 'monthly' }))).thenThrows('upgrade-target-not-eligible');
    });
  });

  it('R-TENANT-1 R-IND-3: the owner and a delegated reseller manage; the customer admin and the subscription\'s reseller read; others see nothing', () => {
    const s = state([purchased({ reseller: { partnerId: '7654321', tenantId: 'reseller-a' } })]);
    expect(subscriptionAccess(s, AGENT)).toBe('manage');
    expect(subscriptionAccess(s, { userId: 'o', tenantId: 'operator', roles: ['operator'] })).toBe('read');
    expect(subscriptionAccess(s, { userId: 'c', tenantId: CUSTOMER, roles: ['customer-admin'] })).toBe('read');
    expect(subscriptionAccess(s, { userId: 'r', tenantId: 'reseller-a', roles: ['admin-agent'] })).toBe('read');
    expect(subscriptionAccess(s, { userId: 'r', tenantId: 'reseller-b', roles: ['admin-agent'] }, (t) => (t === 'reseller-b' ? PARTNER : undefined))).toBe('manage');
    expect(subscriptionAccess(s, { userId: 'x', tenantId: 'someone-else', roles: ['admin-agent'] })).toBe('none');
  });

  it('refuses commands on a subscription that does not exist', () => {
    given(subscriptionDecider, []).when(cancel(PURCHASED_AT)).thenThrows('not-found');
  });
});
