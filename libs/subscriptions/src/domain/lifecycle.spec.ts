import { DomainError, fold, prorate } from '../../../core/src';
import type { Product } from '../../../catalog/src/domain/catalog.types';
import type { OfferResult } from '../../../catalog/src/domain/offer';
import { given } from '../../../event-store/src/testing/given-when-then';
import { AGENT, CUSTOMER, e5Offer, offer, ORDER, PARTNER, purchased, quoted, SUBSCRIPTION, usd } from '../testing/fixtures';
import { cartDecider, type ExistingCart } from './cart';
import { decideCheckout } from './checkout';
import { decideImport, type SubscriptionImportInput } from './import';
import { GRACE_PERIOD_DAYS, nextLifecycleStep, RETENTION_DAYS, TERM_END_RETRY_AFTER_SECONDS } from './lifecycle';
import type { SubscriptionCommand, SubscriptionChanges } from './subscription.commands';
import { subscriptionDecider, type ExistingSubscription } from './subscription.decider';
import type { ScheduledNextTermInstructions, SubscriptionEvent, SubscriptionExpiredData, SubscriptionRenewedData } from './subscription.events';

const REF = { subscriptionId: SUBSCRIPTION, customerId: CUSTOMER, partnerTenantId: PARTNER };
/** The first term (bought 2025-01-15) ends 2026-01-14: it renews or expires at this instant. */
const TERM_END = '2026-01-15T00:00:00.000Z';
const SECOND_END = '2027-01-15T00:00:00.000Z';

const state = (history: SubscriptionEvent[]) => fold(subscriptionDecider, history) as ExistingSubscription;
const decide = (history: SubscriptionEvent[], command: SubscriptionCommand) => subscriptionDecider.decide(command, state(history));
const minus = (instant: string, seconds: number) => new Date(Date.parse(instant) - seconds * 1000).toISOString();
const plusDays = (instant: string, days: number) => new Date(Date.parse(instant) + days * 86_400_000).toISOString();

const endTerm = (dueAt: string, now = dueAt, renewalOffer: OfferResult | null = quoted(offer())): SubscriptionCommand => ({
  type: 'EndSubscriptionTerm',
  subscriptionId: SUBSCRIPTION,
  dueAt,
  now,
  actor: AGENT,
  renewalOffer,
});
const disable = (dueAt: string, now = dueAt): SubscriptionCommand => ({ type: 'DisableSubscription', subscriptionId: SUBSCRIPTION, dueAt, now, actor: AGENT });
const remove = (dueAt: string, now = dueAt): SubscriptionCommand => ({ type: 'DeleteSubscription', subscriptionId: SUBSCRIPTION, dueAt, now, actor: AGENT });
const update = (now: string, changes: SubscriptionChanges): SubscriptionCommand => ({ type: 'UpdateSubscription', subscriptionId: SUBSCRIPTION, now, actor: AGENT, changes });
const schedule = (now: string, instructions: ScheduledNextTermInstructions, allowed: string[] = []): SubscriptionCommand => ({
  type: 'SetScheduledChanges',
  subscriptionId: SUBSCRIPTION,
  now,
  actor: AGENT,
  instructions,
  target: quoted(instructions.catalogItemId === offer().catalogItemId ? offer({ billingCycle: instructions.billingCycle }) : e5Offer({ billingCycle: instructions.billingCycle })),
  allowedCustomTermEndDates: allowed,
});
const autoRenewOff = (history: SubscriptionEvent[]) => [...history, ...decide(history, update('2025-06-01T00:00:00.000Z', { autoRenewEnabled: false }))];

describe('term-end lifecycle', () => {
  describe('renewal (R-SUB-6)', () => {
    it('R-SUB-6: renews on the same id at 00:00 UTC after the end date, priced from the offer in force then, with a new 7-day window and seat batch', () => {
      // The price list in force at the renewal (R-PRICE-1) and a promotion then available (R-PRICE-3).
      const renewalPrice = offer({ unitPrice: usd(45_000), discountPercent: 10, promotionId: 'RENEWAL-10', priceListEffectiveFrom: '2026-01-01' });
      const [renewed] = decide([purchased()], endTerm(TERM_END, TERM_END, quoted(renewalPrice)));
      expect(renewed.type).toBe('SubscriptionRenewed');
      const data = renewed.data as SubscriptionRenewedData;
      expect(data).toEqual({
        ...REF,
        renewedAt: TERM_END,
        previousTerm: { catalogItemId: offer().catalogItemId, quantity: 10, termDuration: 'P1Y', billingCycle: 'annual', effectiveStartDate: '2025-01-15', commitmentEndDate: '2026-01-14' },
        appliedInstructions: null,
        offer: expect.objectContaining({ catalogItemId: offer().catalogItemId, market: 'US' }),
        termDuration: 'P1Y',
        billingCycle: 'annual',
        quantity: 10,
        // R-PRICE-5: the unit price, currency and discount used are in the event.
        pricing: { unitPrice: usd(45_000), discountPercent: 10, discountedUnitPrice: usd(40_500), promotionId: 'RENEWAL-10', taxInclusive: false, priceListEffectiveFrom: '2026-01-01' },
        effectiveStartDate: '2026-01-15',
        commitmentEndDate: '2027-01-14',
        termEndAlignment: null,
        fullRefundUntil: '2026-01-16T00:00:00.000Z',
        cancellationAllowedUntil: '2026-01-22T00:00:00.000Z',
        seatBatch: { batchId: '2', quantity: 10, refundableUntil: '2026-01-22T00:00:00.000Z' },
        charge: {
          type: 'renewal',
          amount: usd(405_000),
          quantity: 10,
          unitPrice: usd(45_000),
          discountPercent: 10,
          discountedUnitPrice: usd(40_500),
          period: { start: '2026-01-15', end: '2027-01-14' },
          proration: { days: 365, ofDays: 365 },
        },
      });
      const after = state([purchased(), renewed]);
      expect(after).toMatchObject({ status: 'active', effectiveStartDate: '2026-01-15', commitmentEndDate: '2027-01-14', termStartedAt: TERM_END });
      expect(nextLifecycleStep(after)).toEqual({ step: 'renewal', at: SECOND_END });
      // R-CANCEL-1: the new window refunds the renewal's charge in full for 24 hours.
      const [cancelled] = decide([purchased(), renewed], { type: 'CancelSubscription', subscriptionId: SUBSCRIPTION, now: '2026-01-15T12:00:00.000Z', actor: AGENT });
      expect(cancelled.data).toMatchObject({ refundType: 'Full', refund: { amount: usd(-405_000) } });
    });

    it('R-SUB-6: not one second before the end, once at the end, and a repeated or stale timer changes nothing', () => {
      given(subscriptionDecider, [purchased()]).when(endTerm(TERM_END, minus(TERM_END, 1))).thenThrows('transition-not-due');
      const renewed = decide([purchased()], endTerm(TERM_END));
      expect(renewed.map((e) => e.type)).toEqual(['SubscriptionRenewed']);
      given(subscriptionDecider, [purchased(), ...renewed]).when(endTerm(TERM_END, '2026-01-15T00:00:05.000Z')).then([]);
      // A timer for an instant that is not the current term's end (moved, or a leftover) is ignored.
      given(subscriptionDecider, [purchased()]).when(endTerm('2026-01-16T00:00:00.000Z')).then([]);
      // The next term ends a year later.
      expect(decide([purchased(), ...renewed], endTerm(SECOND_END)).map((e) => e.type)).toEqual(['SubscriptionRenewed']);
    });

    it('R-SUB-5 R-SUB-6: the scheduled changes shape the new term (SKU, quantity, billing plan) and are used up', () => {
      const next: ScheduledNextTermInstructions = { catalogItemId: e5Offer().catalogItemId, quantity: 12, termDuration: 'P1Y', billingCycle: 'monthly' };
      const history = [purchased(), ...decide([purchased()], schedule('2025-03-01T00:00:00.000Z', next))];
      const [renewed] = decide(history, endTerm(TERM_END, TERM_END, quoted(e5Offer({ billingCycle: 'monthly', unitPrice: usd(5_700) }))));
      expect(renewed.data).toMatchObject({
        appliedInstructions: next,
        offer: { catalogItemId: e5Offer().catalogItemId, skuTitle: 'Microsoft 365 E5 (no Teams)' },
        quantity: 12,
        billingCycle: 'monthly',
        // Monthly billing charges the first month of the new term (R-SUB-9).
        charge: { amount: usd(68_400), period: { start: '2026-01-15', end: '2026-02-14' }, proration: { days: 31, ofDays: 31 } },
      });
      expect(state([...history, renewed])).toMatchObject({ scheduledNextTermInstructions: null, quantity: 12, offer: { skuId: '0002', productId: 'CFQ7TTC0LFK5' } });
      // The processor must price the scheduled offer, not another one.
      expect(() => decide(history, endTerm(TERM_END))).toThrow(/not the next term's/);
    });

    it('R-SUB-3 R-SUB-6: a scheduled custom end date shortens (and prorates) the new term; the next one is full length', () => {
      const next: ScheduledNextTermInstructions = { catalogItemId: offer().catalogItemId, quantity: 10, termDuration: 'P1Y', billingCycle: 'annual', customTermEndDate: '2026-12-31' };
      const history = [purchased(), ...decide([purchased()], schedule('2025-03-01T00:00:00.000Z', next, ['2026-12-31']))];
      const [renewed] = decide(history, endTerm(TERM_END));
      // 2026-01-15 .. 2026-12-31 is 351 days of a 365-day year.
      expect(renewed.data).toMatchObject({
        commitmentEndDate: '2026-12-31',
        termEndAlignment: 'calendarMonthAligned',
        charge: { amount: prorate(usd(432_000), 351, 365), proration: { days: 351, ofDays: 365 } },
      });
      const [again] = decide([...history, renewed], endTerm('2027-01-01T00:00:00.000Z'));
      expect(again.data).toMatchObject({ effectiveStartDate: '2027-01-01', commitmentEndDate: '2027-12-31', termEndAlignment: null });
    });

    it('R-SUB-6: monthly terms renew every month', () => {
      const monthly = offer({ catalogItemId: 'CFQ7TTC0LFLZ:0002:CFQ7TTC0C0ZC', availabilityId: 'CFQ7TTC0C0ZC', termDuration: 'P1M', billingCycle: 'monthly', unitPrice: usd(4_000) });
      let history: SubscriptionEvent[] = [purchased({ offer: monthly })];
      expect(state(history).commitmentEndDate).toBe('2025-02-14');
      const starts: string[] = [];
      for (const due of ['2025-02-15', '2025-03-15', '2025-04-15']) {
        given(subscriptionDecider, history).when(endTerm(`${due}T00:00:00.000Z`, minus(`${due}T00:00:00.000Z`, 1), quoted(monthly))).thenThrows('transition-not-due');
        const events = decide(history, endTerm(`${due}T00:00:00.000Z`, `${due}T00:00:00.000Z`, quoted(monthly)));
        history = [...history, ...events];
        starts.push(`${(events[0].data as SubscriptionRenewedData).effectiveStartDate}..${state(history).commitmentEndDate}`);
      }
      expect(starts).toEqual(['2025-02-15..2025-03-14', '2025-03-15..2025-04-14', '2025-04-15..2025-05-14']);
    });

    it('R-SUB-6: when the catalog refuses the next term (e.g. end-of-sale), the subscription expires instead', () => {
      const refused = { ok: false as const, refusal: { code: 'sku-end-of-sale' as const, message: 'end of sale', details: {} } };
      const [expired] = decide([purchased()], endTerm(TERM_END, TERM_END, refused));
      expect(expired).toEqual({
        type: 'SubscriptionExpired',
        data: { ...REF, expiredAt: TERM_END, commitmentEndDate: '2026-01-14', reason: 'renewal-refused', refusal: { code: 'sku-end-of-sale', message: 'end of sale' }, graceEndsAt: plusDays(TERM_END, 30) },
      });
    });
  });

  describe('expiry, grace, disabled, deleted (R-SUB-7)', () => {
    it('R-SUB-7: auto-renew off expires at the end, is disabled 30 days later and deleted 90 days after that, each once and not a second early', () => {
      let history = autoRenewOff([purchased()]);
      expect(nextLifecycleStep(state(history))).toEqual({ step: 'expiry', at: TERM_END });
      given(subscriptionDecider, history).when(endTerm(TERM_END, minus(TERM_END, 1), null)).thenThrows('transition-not-due');
      const expired = decide(history, endTerm(TERM_END, TERM_END, null));
      const graceEndsAt = plusDays(TERM_END, GRACE_PERIOD_DAYS);
      expect(expired).toEqual([
        { type: 'SubscriptionExpired', data: { ...REF, expiredAt: TERM_END, commitmentEndDate: '2026-01-14', reason: 'auto-renew-off', graceEndsAt } },
      ]);
      history = [...history, ...expired];
      expect(state(history)).toMatchObject({ status: 'expired', expiredAt: TERM_END, graceEndsAt, autoRenewEnabled: false });
      given(subscriptionDecider, history).when(endTerm(TERM_END, TERM_END, null)).then([]);
      // The grace period: no changes, and the next step is the disablement.
      given(subscriptionDecider, history).when(update('2026-01-20T00:00:00.000Z', { autoRenewEnabled: true })).thenThrows('subscription-not-active');
      expect(nextLifecycleStep(state(history))).toEqual({ step: 'disable', at: graceEndsAt });

      given(subscriptionDecider, history).when(disable(graceEndsAt, minus(graceEndsAt, 1))).thenThrows('transition-not-due');
      const disabled = decide(history, disable(graceEndsAt));
      const deletesAt = plusDays(graceEndsAt, RETENTION_DAYS);
      expect(disabled).toEqual([{ type: 'SubscriptionDisabled', data: { ...REF, disabledAt: graceEndsAt, deletesAt } }]);
      history = [...history, ...disabled];
      given(subscriptionDecider, history).when(disable(graceEndsAt)).then([]);

      given(subscriptionDecider, history).when(remove(deletesAt, minus(deletesAt, 1))).thenThrows('transition-not-due');
      const deleted = decide(history, remove(deletesAt));
      expect(deleted).toEqual([{ type: 'SubscriptionDeleted', data: { ...REF, deletedAt: deletesAt, reason: 'retention-ended' } }]);
      history = [...history, ...deleted];
      given(subscriptionDecider, history).when(remove(deletesAt)).then([]);
      expect(state(history)).toMatchObject({ status: 'deleted', disabledAt: graceEndsAt, deletesAt, deletedAt: deletesAt });
      expect(nextLifecycleStep(state(history))).toBeNull();
      expect([graceEndsAt, deletesAt]).toEqual(['2026-02-14T00:00:00.000Z', '2026-05-15T00:00:00.000Z']);
    });

    it('R-SUB-10: a suspended subscription does not renew: it expires at the end', () => {
      const suspended = decide([purchased()], update('2025-06-01T00:00:00.000Z', { status: 'suspended' }));
      const history = [purchased(), ...suspended];
      const [expired] = decide(history, endTerm(TERM_END, TERM_END, null));
      expect((expired.data as SubscriptionExpiredData).reason).toBe('suspended');
    });

    it('R-SUB-7: a cancelled subscription has no term end any more', () => {
      const cancelled = decide([purchased()], { type: 'CancelSubscription', subscriptionId: SUBSCRIPTION, now: '2025-01-15T12:00:00.000Z', actor: AGENT });
      given(subscriptionDecider, [purchased(), ...cancelled]).when(endTerm(TERM_END)).then([]);
    });
  });

  describe('while the term end is processed', () => {
    it('R-SUB-4 R-SUB-5 R-SUB-10: auto-renew, scheduled changes and suspend answer 409 renewal-in-progress with a retry hint until the renewal ran', () => {
      const history = [purchased()];
      for (const command of [
        update(TERM_END, { autoRenewEnabled: false }),
        update('2026-01-15T00:00:30.000Z', { status: 'suspended' }),
        schedule(TERM_END, { catalogItemId: offer().catalogItemId, quantity: 5, termDuration: 'P1Y', billingCycle: 'annual' }),
      ]) {
        const error = given(subscriptionDecider, history).when(command).thenThrows('renewal-in-progress');
        expect(error.kind).toBe('conflict');
        expect(error.details).toMatchObject({ retryAfterSeconds: TERM_END_RETRY_AFTER_SECONDS, termEndedAt: TERM_END });
      }
      const withScheduled = [purchased(), ...decide([purchased()], schedule('2025-03-01T00:00:00.000Z', { catalogItemId: offer().catalogItemId, quantity: 5, termDuration: 'P1Y', billingCycle: 'annual' }))];
      given(subscriptionDecider, withScheduled).when({ type: 'ClearScheduledChanges', subscriptionId: SUBSCRIPTION, now: TERM_END, actor: AGENT }).thenThrows('renewal-in-progress');
      // One second before, and once renewed, they work.
      expect(decide(history, update(minus(TERM_END, 1), { autoRenewEnabled: false }))).toHaveLength(1);
      const renewed = [...history, ...decide(history, endTerm(TERM_END))];
      expect(decide(renewed, update(TERM_END, { autoRenewEnabled: false }))).toHaveLength(1);
    });
  });

  describe('software bought before 2021-10-14 (R-SUB-4)', () => {
    const software = offer({ productType: 'software-subscription', catalogItemId: 'DG7GMGF0D5RK:0001:DG7GMGF0H7VH', termDuration: 'P3Y', billingCycle: 'annual' });

    it('R-SUB-4: never renews: auto-renew is off, cannot be turned on, and the term end expires it', () => {
      const history = [purchased({ offer: software, now: '2021-06-01T09:00:00.000Z' })];
      expect(state(history)).toMatchObject({ autoRenewEnabled: false, autoRenewAvailable: false, commitmentEndDate: '2024-05-31' });
      given(subscriptionDecider, history).when(update('2022-01-01T00:00:00.000Z', { autoRenewEnabled: true })).thenThrows('auto-renew-not-available');
      const [expired] = decide(history, endTerm('2024-06-01T00:00:00.000Z', '2024-06-01T00:00:00.000Z', null));
      expect(expired.data).toMatchObject({ reason: 'auto-renew-off', expiredAt: '2024-06-01T00:00:00.000Z' });
      // Bought on 2021-10-14 or later: renews like the rest.
      expect(state([purchased({ offer: software, now: '2021-10-14T00:00:00.000Z' })])).toMatchObject({ autoRenewEnabled: true, autoRenewAvailable: true });
    });

    it('R-SUB-4: an operator import records the running term; one bought before 2021-10-14 never renews', () => {
      const product: Product = {
        id: 'DG7GMGF0D5RK',
        title: 'Windows Server 2022',
        productType: 'software-subscription',
        segment: 'commercial',
        skus: [
          {
            id: '0001',
            title: 'Windows Server 2022 Standard',
            provisioningId: 'WS2022_STD',
            segment: 'commercial',
            saleStatus: 'available',
            prerequisiteSkuIds: [],
            upgradeTargetSkuIds: [],
            cancellable: true,
            exchangeable: true,
            excludedMarkets: [],
            availabilities: [{ id: 'DG7GMGF0H7VH', termDuration: 'P3Y', billingCycles: ['annual', 'triennial'] }],
          },
        ],
      };
      const input: SubscriptionImportInput = {
        partnerTenantId: PARTNER,
        catalogItemId: 'DG7GMGF0D5RK:0001:DG7GMGF0H7VH',
        quantity: 2,
        termDuration: 'P3Y',
        billingCycle: 'annual',
        effectiveStartDate: '2021-09-01',
        unitPrice: { amount: '120.00', currency: 'USD' },
        autoRenewEnabled: true,
        source: 'legacy-4711',
      };
      const facts = { subscriptionId: SUBSCRIPTION, customerId: CUSTOMER, market: 'US', relationship: true, partnerCurrency: 'USD', product, now: '2024-01-10T08:00:00.000Z' };
      const data = decideImport(input, facts);
      expect(data).toMatchObject({
        commitmentEndDate: '2024-08-31',
        autoRenewEnabled: false,
        termStartedAt: '2021-09-01T00:00:00.000Z',
        pricing: { unitPrice: usd(12_000), discountPercent: 0 },
        offer: { productType: 'software-subscription', market: 'US' },
        source: 'legacy-4711',
      });
      const history: SubscriptionEvent[] = [{ type: 'SubscriptionImported', data }];
      expect(state(history)).toMatchObject({ status: 'active', autoRenewAvailable: false, importedFrom: 'legacy-4711', orderId: null });
      expect(decide(history, endTerm('2024-09-01T00:00:00.000Z', '2024-09-01T00:00:00.000Z', null))[0].type).toBe('SubscriptionExpired');
      // After 2021-10-14 the import keeps auto-renew as asked.
      expect(decideImport({ ...input, effectiveStartDate: '2022-01-01' }, facts).autoRenewEnabled).toBe(true);

      const refusedWith = (overrides: Partial<SubscriptionImportInput>, factOverrides: Partial<typeof facts> = {}) => {
        try {
          decideImport({ ...input, ...overrides }, { ...facts, ...factOverrides });
        } catch (error) {
          if (error instanceof DomainError) return error.code;
          throw error;
        }
        return 'accepted';
      };
      expect(refusedWith({}, { now: '2024-09-01T00:00:00.000Z' })).toBe('term-already-ended');
      expect(refusedWith({}, { relationship: false })).toBe('relationship-missing');
      expect(refusedWith({ unitPrice: { amount: '120.00', currency: 'EUR' } })).toBe('currency-mismatch');
      expect(refusedWith({ termDuration: 'P1Y' })).toBe('term-not-offered');
      expect(refusedWith({ commitmentEndDate: '2025-01-01' })).toBe('commitment-end-date-not-allowed');
      expect(refusedWith({ catalogItemId: 'DG7GMGF0D5RK:0001:NOPE' })).toBe('unknown-catalog-item');
    });
  });

  describe('grace-period purchase (R-SUB-7)', () => {
    it('R-SUB-7: buying the same SKU during an expired subscription\'s grace period starts at once and names the subscription it continues', () => {
      const NOW = '2026-01-20T10:00:00.000Z';
      const events = cartDecider.decide(
        { type: 'CreateCart', cartId: 'cart-1', customerId: CUSTOMER, partnerTenantId: PARTNER, lineItems: [{ catalogItemId: offer().catalogItemId, quantity: 10, termDuration: 'P1Y', billingCycle: 'annual' }], now: NOW },
        { exists: false },
      );
      const cart = fold(cartDecider, events) as ExistingCart;
      const base = {
        cart,
        orderId: ORDER,
        now: NOW,
        actor: AGENT,
        buyer: { partnerTenantId: PARTNER, kind: 'direct' as const, region: 'united-states', currency: 'USD' },
        customer: { customerId: CUSTOMER, country: 'US', region: 'united-states', relationship: true, agreementAttested: true },
        lines: [{ lineItemNumber: 0, subscriptionId: 'new-sub', quote: quoted(offer()) }],
        customerSubscriptions: [],
      };
      const grace = { subscriptionId: 'expired-sub', skuRef: 'CFQ7TTC0LFLZ:0002', expiredAt: TERM_END, graceEndsAt: plusDays(TERM_END, 30) };
      const [purchase] = decideCheckout({ ...base, inGracePeriod: [grace, { ...grace, subscriptionId: 'other-sku', skuRef: 'CFQ7TTC0LFK5:0002' }] }).purchases;
      expect(purchase).toMatchObject({ continuesSubscriptionId: 'expired-sub', effectiveStartDate: '2026-01-20', purchasedAt: NOW });
      expect(fold(subscriptionDecider, [{ type: 'SubscriptionPurchased', data: purchase }] as SubscriptionEvent[])).toMatchObject({ continuesSubscriptionId: 'expired-sub' });
      // After the grace period (or without one) it is a plain purchase.
      expect(decideCheckout({ ...base, inGracePeriod: [{ ...grace, graceEndsAt: NOW }] }).purchases[0].continuesSubscriptionId).toBeUndefined();
      expect(decideCheckout(base).purchases[0].continuesSubscriptionId).toBeUndefined();
    });
  });
});
