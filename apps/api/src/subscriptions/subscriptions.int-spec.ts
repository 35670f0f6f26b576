import { PARTNER_ROLES } from '../../../../libs/auth/src/auth.types';
import { TimerService } from '../../../../libs/timers/src/timer-service';
import { startTestApp, type TestApp } from '../../../../test/support/app';
import { BUYER_ROLES, ITEMS, line, OPERATOR, OTHER_PARTNER_ROLES, World, type Partner, type Who } from './testing/world';

const T0 = '2025-01-15T10:00:00.000Z';
const at = (hours: number, seconds = 0) => new Date(Date.parse(T0) + hours * 3_600_000 + seconds * 1000).toISOString();
const PROBLEM_JSON = 'application/problem+json';

type Method = 'GET' | 'POST' | 'PATCH' | 'PUT' | 'DELETE';
type Answer = Awaited<ReturnType<World['call']>>;
type StoredEvent = { type: string; data: Record<string, unknown> };

/** What a caller must get: a status, and for a refusal its stable code. */
interface Outcome {
  status: number;
  code?: string;
}
const OK: Outcome = { status: 200 };
const FORBIDDEN: Outcome = { status: 403, code: 'forbidden' };
const NOT_FOUND: Outcome = { status: 404, code: 'not-found' };
const ruleRefusal = (code: string): Outcome => ({ status: 422, code });

/** The parts of an answer an outcome is compared with (a refusal must be problem+json). */
const outcomeOf = (answer: Answer) =>
  answer.status >= 400 ? { status: answer.status, code: answer.body?.code, problemJson: String(answer.type).includes(PROBLEM_JSON) } : { status: answer.status };
const expectedOf = (outcome: Outcome) => (outcome.status >= 400 ? { status: outcome.status, code: outcome.code, problemJson: true } : { status: outcome.status });

/**
 * Walks a subscription's stream in order (version 0 is the purchase). Answers the quantity after
 * each event, and each quantity change or cancellation that did not start from the quantity the
 * events before it left: a lost update.
 */
function quantityChain(events: StoredEvent[]): { after: number[]; breaks: string[] } {
  const after: number[] = [];
  const breaks: string[] = [];
  let current = Number(events[0]?.data.quantity);
  for (const [version, event] of events.entries()) {
    if (event.type === 'SubscriptionQuantityChanged') {
      if (event.data.previousQuantity !== current) breaks.push(`v${version}: previousQuantity ${String(event.data.previousQuantity)} after quantity ${current}`);
      current = Number(event.data.quantity);
    }
    if (event.type === 'SubscriptionCancelled') {
      const refunded = (event.data.refund as { quantity: number }).quantity;
      if (refunded !== current) breaks.push(`v${version}: cancel refunds ${refunded} seat(s) of ${current}`);
    }
    after.push(current);
  }
  return { after, breaks };
}

const count = (events: StoredEvent[], type: string) => events.filter((e) => e.type === type).length;

describe('subscriptions API', () => {
  let app: TestApp;
  let world: World;
  let partner: Partner;
  let other: Partner;

  beforeAll(async () => {
    app = await startTestApp();
    world = new World(app);
    await world.catchUp();
    partner = await world.onboard('direct');
    other = await world.onboard('direct');
  });
  afterAll(async () => {
    await app?.close();
  });
  beforeEach(() => world.setClock(T0));

  const url = (customerId: string, subscriptionId: string, suffix = '') => world.subscriptionUrl(customerId, subscriptionId, suffix);
  const read = async (customerId: string, subscriptionId: string, who: Who = world.as(partner)) => (await world.call('GET', url(customerId, subscriptionId), who)).body;
  const patch = (customerId: string, subscriptionId: string, body: object, who: Who = world.as(partner)) => world.call('PATCH', url(customerId, subscriptionId), who, body);

  /** Sends a request that must be refused: problem+json with this status and code, and no event written anywhere. */
  const expectRefused = async (send: () => Promise<Answer>, status: number, code: string): Promise<Answer> => {
    const before = await world.eventCount();
    const answer = await send();
    expect(outcomeOf(answer)).toEqual(expectedOf({ status, code }));
    expect(await world.eventCount()).toBe(before);
    return answer;
  };

  /** Checks out one E3 line: the subscription, its order and its cart. */
  const purchase = async (owner: Partner, customerId: string): Promise<{ subscriptionId: string; orderId: string; cartId: string }> => {
    const result = await world.checkout(owner, customerId, [line(ITEMS.e3Annual)]);
    expect(result.status).toBe(201);
    const [order] = result.body.orders;
    return { subscriptionId: order.lineItems[0].subscriptionId, orderId: order.id, cartId: order.cartId };
  };

  describe('cancellation window (R-CANCEL-1)', () => {
    it('R-CANCEL-1: Full until 23:59:59, Partial from 24:00:00 to 167:59:59, refused at 168:00:00 naming the window\'s end', async () => {
      const customerId = await world.customer(partner);
      const [full, partial, lastSecond, closed] = [await world.buy(partner, customerId), await world.buy(partner, customerId), await world.buy(partner, customerId), await world.buy(partner, customerId)];

      world.setClock(at(23, 3599));
      expect((await read(customerId, full)).refundOptions.map((o: { type: string }) => o.type)).toEqual(['Full', 'Partial']);
      const first = await world.call('POST', url(customerId, full, '/cancel'), world.as(partner));
      expect(first.status).toBe(200);
      expect(first.body).toMatchObject({ id: full, status: 'deleted', autoRenewEnabled: false, refundOptions: [], refund: { type: 'Full', amount: { amount: '3807.00', currency: 'EUR' } } });

      world.setClock(at(24));
      const before = await read(customerId, partial);
      expect(before.refundOptions).toEqual([{ type: 'Partial', expiresAt: '2025-01-22T10:00:00.000Z' }]);
      expect(before.cancellationWindowPassed).toBe(false);
      const second = await world.call('POST', url(customerId, partial, '/cancel'), world.as(partner));
      // one whole day used of 365: 3807.00 * 364 / 365
      expect(second.body.refund).toEqual({ type: 'Partial', amount: { amount: '3796.57', currency: 'EUR' } });

      world.setClock(at(167, 3599));
      const third = await world.call('POST', url(customerId, lastSecond, '/cancel'), world.as(partner));
      expect(third.body.refund).toEqual({ type: 'Partial', amount: { amount: '3733.99', currency: 'EUR' } });

      world.setClock(at(168));
      expect(await read(customerId, closed)).toMatchObject({ refundOptions: [], cancellationAllowedUntil: '2025-01-22T10:00:00.000Z', cancellationWindowPassed: true });
      const eventsBefore = await world.eventCount();
      const refused = await world.call('POST', url(customerId, closed, '/cancel'), world.as(partner));
      expect(refused.status).toBe(422);
      expect(refused.type).toContain('application/problem+json');
      expect(refused.body).toMatchObject({ code: 'cancellation-window-closed', details: { cancellationAllowedUntil: '2025-01-22T10:00:00.000Z' } });
      expect(refused.body.detail).toContain('2025-01-22T10:00:00.000Z');
      expect(await world.eventCount()).toBe(eventsBefore);

      // The refund is recorded in the event; a deleted subscription stays deleted (R-CANCEL-1).
      const events = await world.streamEvents(`subscription-${partial}`);
      expect(events.map((e) => e.type)).toEqual(['SubscriptionPurchased', 'SubscriptionCancelled']);
      expect(events[1].data).toMatchObject({ refundType: 'Partial', refund: { type: 'cancellation-refund', amount: { minor: -379_657, currency: 'EUR' }, quantity: 10 } });
      await expectRefused(() => patch(customerId, partial, { status: 'active' }), 409, 'subscription-not-active');
      await expectRefused(() => world.call('POST', url(customerId, partial, '/cancel'), world.as(partner)), 409, 'subscription-not-active');
    });
  });

  describe('seats (R-CANCEL-2)', () => {
    it('R-CANCEL-2: increases are charged prorated; each batch has its own 7-day removal window, to the second', async () => {
      const customerId = await world.customer(partner);
      const id = await world.buy(partner, customerId);

      world.setClock(at(48));
      const increased = await patch(customerId, id, { quantity: 15 });
      expect(increased.status).toBe(200);
      expect(increased.body.refundableQuantity).toEqual({
        totalQuantity: 15,
        details: [
          { quantity: 10, allowedUntilDateTime: '2025-01-22T10:00:00.000Z' },
          { quantity: 5, allowedUntilDateTime: '2025-01-24T10:00:00.000Z' },
        ],
      });
      const [, added] = await world.streamEvents(`subscription-${id}`);
      // 5 seats for 363 of 365 days: 5 * 380.70 * 363 / 365
      expect(added.data).toMatchObject({ charge: { type: 'seat-increase', amount: { minor: 189_307, currency: 'EUR' }, quantity: 5, period: { start: '2025-01-17', end: '2026-01-14' } } });

      world.setClock(at(168));
      expect((await read(customerId, id)).refundableQuantity).toEqual({ totalQuantity: 5, details: [{ quantity: 5, allowedUntilDateTime: '2025-01-24T10:00:00.000Z' }] });
      const before = await world.eventCount();
      const tooMany = await patch(customerId, id, { quantity: 9 });
      expect(tooMany.status).toBe(422);
      expect(tooMany.body).toMatchObject({ code: 'seat-reduction-window-closed', details: { refundableQuantity: 5 } });
      expect(await world.eventCount()).toBe(before);

      world.setClock(at(48 + 167, 3599));
      const removed = await patch(customerId, id, { quantity: 12 });
      expect(removed.status).toBe(200);
      expect(removed.body.refundableQuantity).toEqual({ totalQuantity: 2, details: [{ quantity: 2, allowedUntilDateTime: '2025-01-24T10:00:00.000Z' }] });
      const credit = (await world.streamEvents(`subscription-${id}`))[2].data;
      expect(credit).toMatchObject({ previousQuantity: 15, quantity: 12, credit: { type: 'seat-decrease-credit', quantity: 3 }, removed: [{ batchId: '2', quantity: 3 }] });

      world.setClock(at(48 + 168));
      await expectRefused(() => patch(customerId, id, { quantity: 11 }), 422, 'seat-reduction-window-closed');
      // A new batch (2 seats) opens its own window, closing at +168:00:00 to the second.
      const readded = await patch(customerId, id, { quantity: 14 });
      expect(readded.body.refundableQuantity).toEqual({ totalQuantity: 2, details: [{ quantity: 2, allowedUntilDateTime: '2025-01-31T10:00:00.000Z' }] });
      world.setClock(at(48 + 168 + 167, 3599));
      await expectRefused(() => patch(customerId, id, { quantity: 11 }), 422, 'seat-reduction-window-closed');
      const lastSecond = await patch(customerId, id, { quantity: 13 });
      expect(lastSecond.body).toMatchObject({ quantity: 13, refundableQuantity: { totalQuantity: 1, details: [{ quantity: 1, allowedUntilDateTime: '2025-01-31T10:00:00.000Z' }] } });
      world.setClock(at(48 + 168 + 168));
      const closedBatch = await expectRefused(() => patch(customerId, id, { quantity: 12 }), 422, 'seat-reduction-window-closed');
      expect(closedBatch.body.details).toMatchObject({ requestedReduction: 1, refundableQuantity: 0 });
      expect(await read(customerId, id)).toMatchObject({ quantity: 13, refundableQuantity: { totalQuantity: 0, details: [] } });
    });
  });

  describe('auto-renew, name, reseller, status', () => {
    it('R-SUB-4 R-SUB-10: auto-renew on by default, off and on until the end date; suspending turns it off; reactivating restores active', async () => {
      const customerId = await world.customer(partner);
      const id = await world.buy(partner, customerId);
      expect((await read(customerId, id)).autoRenewEnabled).toBe(true);
      expect((await patch(customerId, id, { autoRenewEnabled: false })).body.autoRenewEnabled).toBe(false);
      expect((await patch(customerId, id, { autoRenewEnabled: true, friendlyName: 'Head office' })).body).toMatchObject({ autoRenewEnabled: true, friendlyName: 'Head office' });

      const suspended = await patch(customerId, id, { status: 'suspended' });
      expect(suspended.body).toMatchObject({ status: 'suspended', autoRenewEnabled: false, suspendedAt: T0 });
      await expectRefused(() => patch(customerId, id, { quantity: 11 }), 409, 'subscription-not-active');
      await expectRefused(() => patch(customerId, id, { autoRenewEnabled: true }), 422, 'auto-renew-not-allowed-while-suspended');
      const reactivated = await patch(customerId, id, { status: 'active' });
      expect(reactivated.body).toMatchObject({ status: 'active', autoRenewEnabled: false, suspendedAt: null });

      // The renewal must not run in between: its timer jobs wait while the queue is paused.
      const timers = app.running.app.get(TimerService).queue();
      await timers.pause();
      try {
        world.setClock('2026-01-14T23:59:59.000Z');
        expect((await patch(customerId, id, { autoRenewEnabled: true })).status).toBe(200);
        world.setClock('2026-01-15T00:00:00.000Z');
        const refused = await patch(customerId, id, { autoRenewEnabled: false });
        expect(refused).toMatchObject({ status: 409, body: { code: 'renewal-in-progress' } });
      } finally {
        await timers.resume();
      }
    });

    it('R-IND-2: only an indirect provider sets a reseller, which must be an onboarded indirect reseller', async () => {
      const customerId = await world.customer(partner);
      const id = await world.buy(partner, customerId);
      await expectRefused(() => patch(customerId, id, { partnerId: other.partnerId }), 422, 'not-an-indirect-provider');

      const provider = await world.onboard('indirect-provider');
      const reseller = await world.onboard('indirect-reseller');
      const providerCustomer = await world.customer(provider);
      const sub = await world.buy(provider, providerCustomer);
      const asProvider = world.as(provider);
      await expectRefused(() => patch(providerCustomer, sub, { partnerId: '99' }, asProvider), 422, 'reseller-not-found');
      await expectRefused(() => patch(providerCustomer, sub, { partnerId: other.partnerId }, asProvider), 422, 'not-an-indirect-reseller');
      expect((await patch(providerCustomer, sub, { partnerId: reseller.partnerId }, asProvider)).body.partnerId).toBe(reseller.partnerId);
      // The associated reseller reads it (R-TENANT-1) but it is not its to manage.
      expect((await world.call('GET', url(providerCustomer, sub), world.as(reseller))).status).toBe(200);
      await expectRefused(() => patch(providerCustomer, sub, { friendlyName: 'x' }, world.as(reseller)), 403, 'forbidden');
      expect((await patch(providerCustomer, sub, { partnerId: null }, asProvider)).body.partnerId).toBeNull();
      expect((await world.call('GET', url(providerCustomer, sub), world.as(reseller))).status).toBe(404);
    });

    it('R-SUB-4: turning auto-renew on for software bought before 2021-10-14 is refused (auto-renew-not-available) and writes nothing', async () => {
      world.setClock('2024-01-10T08:00:00.000Z');
      const customerId = await world.customer(partner, { attest: false });
      const attested = await world.call('POST', `/v1/customers/${customerId}/agreements`, world.as(partner), {
        type: 'MicrosoftCustomerAgreement',
        primaryContact: { firstName: 'Ada', lastName: 'Muster', email: 'ada@contoso.example' },
        dateAgreed: '2024-01-09',
      });
      expect(attested.status).toBe(201);
      const imported = await world.call('POST', `/v1/customers/${customerId}/subscriptions/imports`, OPERATOR, {
        partnerTenantId: partner.id,
        catalogItemId: 'DG7GMGF0D5RK:0001:DG7GMGF03VSC',
        quantity: 2,
        termDuration: 'P3Y',
        billingCycle: 'annual',
        effectiveStartDate: '2021-09-01',
        unitPrice: { amount: '855.40', currency: 'EUR' },
        autoRenewEnabled: true,
        source: `legacy-${customerId}`,
      });
      expect(imported.status).toBe(201);
      expect(imported.body).toMatchObject({ autoRenewEnabled: false, autoRenewAvailable: false });
      await expectRefused(() => patch(customerId, imported.body.id, { autoRenewEnabled: true }, world.as(partner, 'admin-agent')), 422, 'auto-renew-not-available');

      // Its expiry, disabling and deletion all fall before T0: run them now through the test clock
      // (it answers once they are done), so no timer writes behind the back of a later test.
      const settled = await world.call('PUT', '/v1/test/clock', OPERATOR, { now: T0 });
      expect(settled.status).toBe(200);
      expect(settled.body.unprocessed).toEqual([]);
    });
  });

  describe('scheduled changes (R-SUB-5)', () => {
    it('R-SUB-5: sets, replaces and clears the next term\'s instructions; any immediate change clears them', async () => {
      const customerId = await world.customer(partner);
      const id = await world.buy(partner, customerId);
      const scheduled = url(customerId, id, '/scheduled-changes');
      const set = await world.call('PUT', scheduled, world.as(partner), { quantity: 5, billingCycle: 'monthly' });
      expect(set.status).toBe(200);
      expect(set.body.scheduledNextTermInstructions).toEqual({ catalogItemId: ITEMS.e3Annual, quantity: 5, termDuration: 'P1Y', billingCycle: 'monthly' });

      const threeYears = await world.call('PUT', scheduled, world.as(partner), { termDuration: 'P3Y', billingCycle: 'triennial' });
      expect(threeYears.body.scheduledNextTermInstructions).toEqual({ catalogItemId: 'CFQ7TTC0LFLZ:0002:CFQ7TTC0NF06', quantity: 10, termDuration: 'P3Y', billingCycle: 'triennial' });
      const upgrade = await world.call('PUT', scheduled, world.as(partner), { catalogItemId: ITEMS.e5Annual, customTermEndDate: '2026-12-31' });
      expect(upgrade.body.scheduledNextTermInstructions).toEqual({ catalogItemId: ITEMS.e5Annual, quantity: 10, termDuration: 'P1Y', billingCycle: 'annual', customTermEndDate: '2026-12-31' });
      // Refused instructions write nothing (no SubscriptionScheduledChangesSet) and keep the ones set.
      await expectRefused(() => world.call('PUT', scheduled, world.as(partner), { customTermEndDate: '2026-06-30' }), 422, 'custom-term-end-date-not-allowed');
      await expectRefused(
        () => world.call('PUT', scheduled, world.as(partner), { catalogItemId: ITEMS.basicMonthly, termDuration: 'P1M', billingCycle: 'monthly' }),
        422,
        'upgrade-target-not-eligible',
      );
      expect(count(await world.streamEvents(`subscription-${id}`), 'SubscriptionScheduledChangesSet')).toBe(3);
      expect((await read(customerId, id)).scheduledNextTermInstructions).toEqual(upgrade.body.scheduledNextTermInstructions);

      const cleared = await world.call('DELETE', scheduled, world.as(partner));
      expect(cleared.body.scheduledNextTermInstructions).toBeNull();

      await world.call('PUT', scheduled, world.as(partner), { quantity: 7 });
      expect((await patch(customerId, id, { quantity: 11 })).body.scheduledNextTermInstructions).toBeNull();
      await world.call('PUT', scheduled, world.as(partner), { quantity: 7 });
      expect((await patch(customerId, id, { friendlyName: 'kept' })).body.scheduledNextTermInstructions).toMatchObject({ quantity: 7 });
      expect((await patch(customerId, id, { autoRenewEnabled: false })).body.scheduledNextTermInstructions).toBeNull();

      await expectRefused(() => world.call('PUT', scheduled, world.as(partner), { quantity: 7 }), 422, 'auto-renew-required');
      const events = await world.streamEvents(`subscription-${id}`);
      // Five accepted PUTs (the first three, then twice quantity 7); none of the three refused ones.
      expect(count(events, 'SubscriptionScheduledChangesSet')).toBe(5);
      expect(count(events, 'SubscriptionScheduledChangesCleared')).toBe(3);
    });
  });

  describe('upgrades (R-SUB-8)', () => {
    it('R-SUB-8 R-CAT-8: lists eligible targets; a full upgrade keeps the id and opens no cancellation window', async () => {
      const customerId = await world.customer(partner);
      const id = await world.buy(partner, customerId);
      const immediate = await world.call('GET', url(customerId, id, '/transition-eligibilities?eligibilityType=immediate'), world.as(partner));
      expect(immediate.status).toBe(200);
      expect(immediate.body.items).toEqual([
        expect.objectContaining({ catalogItemId: ITEMS.e5Annual, termDuration: 'P1Y', billingCycle: 'annual', eligibilityType: 'immediate', isEligible: true, errors: [] }),
      ]);
      const scheduled = await world.call('GET', url(customerId, id, '/transition-eligibilities?eligibilityType=scheduled'), world.as(partner));
      expect(scheduled.body.items.map((i: { termDuration: string }) => i.termDuration).sort()).toEqual(['P1M', 'P1Y', 'P3Y']);

      world.setClock(at(48));
      const upgraded = await world.call('POST', url(customerId, id, '/transitions'), world.as(partner), { toCatalogItemId: ITEMS.e5Annual, quantity: 10 });
      expect(upgraded.status).toBe(201);
      expect(upgraded.body).toMatchObject({ transitionType: 'full', fromSubscriptionId: id, toSubscriptionId: id, fromCatalogItemId: ITEMS.e3Annual, toCatalogItemId: ITEMS.e5Annual });
      expect(upgraded.body.subscription).toMatchObject({ id, offerId: ITEMS.e5Annual, quantity: 10, unitPrice: { amount: '617.58', currency: 'EUR' }, refundOptions: [], cancellationAllowedUntil: null });
      const [, event] = await world.streamEvents(`subscription-${id}`);
      expect(event).toMatchObject({ type: 'SubscriptionUpgraded', data: { credit: { type: 'upgrade-credit', quantity: 10 }, charge: { type: 'upgrade-charge', quantity: 10 } } });
      expect((await world.call('POST', url(customerId, id, '/cancel'), world.as(partner))).body.code).toBe('cancellation-window-closed');
      expect((await world.call('GET', url(customerId, id, '/transition-eligibilities'), world.as(partner))).body.items).toEqual([]);
    });

    it('R-SUB-8: a partial upgrade of N seats creates a subscription of the target with the same end date and lowers the source by N', async () => {
      const customerId = await world.customer(partner);
      const id = await world.buy(partner, customerId, line(ITEMS.e3Annual, { customTermEndDate: '2025-12-31' }));
      world.setClock(at(30));
      const before = await world.eventCount();
      expect((await world.call('POST', url(customerId, id, '/transitions'), world.as(partner), { toCatalogItemId: ITEMS.e5Annual, quantity: 11 })).body.code).toBe(
        'upgrade-quantity-exceeds-subscription',
      );
      expect((await world.call('POST', url(customerId, id, '/transitions'), world.as(partner), { toCatalogItemId: ITEMS.intune, quantity: 1 })).body.code).toBe(
        'upgrade-target-not-eligible',
      );
      expect(await world.eventCount()).toBe(before);

      const partial = await world.call('POST', url(customerId, id, '/transitions'), world.as(partner), { toCatalogItemId: ITEMS.e5Annual, quantity: 4 });
      expect(partial.status).toBe(201);
      expect(partial.body).toMatchObject({ transitionType: 'partial', fromSubscriptionId: id, quantity: 4, subscription: { id, quantity: 6, offerId: ITEMS.e3Annual } });
      const newId = partial.body.toSubscriptionId;
      expect(newId).not.toBe(id);
      const created = await read(customerId, newId);
      expect(created).toMatchObject({
        id: newId,
        offerId: ITEMS.e5Annual,
        quantity: 4,
        commitmentEndDate: '2025-12-31',
        effectiveStartDate: '2025-01-16',
        orderId: null,
        refundOptions: [],
        cancellationAllowedUntil: null,
        upgradedFrom: { subscriptionId: id, catalogItemId: ITEMS.e3Annual },
      });
      expect(partial.body.newSubscription).toEqual(created);
      expect((await world.call('POST', url(customerId, newId, '/cancel'), world.as(partner))).body.code).toBe('cancellation-window-closed');
      // The source keeps its own window for the seats it still has.
      expect((await world.call('POST', url(customerId, id, '/cancel'), world.as(partner))).body.refund.type).toBe('Partial');
    });
  });

  describe('history and state as of an instant', () => {
    it('R-EVT-2 R-AUDIT-1: the history lists the events with actor metadata; ?asOf= folds the events up to an instant', async () => {
      const customerId = await world.customer(partner);
      const id = await world.buy(partner, customerId);
      world.setClock(at(1));
      await patch(customerId, id, { quantity: 12 }, world.as(partner, 'admin-agent'));
      world.setClock(at(2));
      await patch(customerId, id, { friendlyName: 'Renamed' });

      const history = await world.call('GET', url(customerId, id, '/history'), world.as(partner));
      expect(history.status).toBe(200);
      expect(history.body.items.map((e: { type: string; streamVersion: number; occurredAt: string }) => [e.type, e.streamVersion, e.occurredAt])).toEqual([
        ['SubscriptionPurchased', 0, T0],
        ['SubscriptionQuantityChanged', 1, at(1)],
        ['SubscriptionFriendlyNameChanged', 2, at(2)],
      ]);
      expect(history.body.items[1]).toMatchObject({
        eventId: expect.stringMatching(/^[0-9a-f-]{36}$/),
        recordedAt: expect.any(String),
        data: { previousQuantity: 10, quantity: 12 },
        metadata: { actor: { tenantId: partner.id, roles: ['admin-agent'], userId: `admin-agent-of-${partner.id}` }, correlationId: expect.any(String), causationId: expect.any(String) },
      });

      const asOf = await world.call('GET', `${url(customerId, id)}?asOf=${encodeURIComponent('2025-01-15T10:30:00Z')}`, world.as(partner));
      expect(asOf.body).toMatchObject({ quantity: 10, friendlyName: 'Microsoft 365 E3 (no Teams)', version: 0, refundOptions: [{ type: 'Full' }, { type: 'Partial' }] });
      expect((await world.call('GET', `${url(customerId, id)}?asOf=${at(1)}`, world.as(partner))).body).toMatchObject({ quantity: 12, version: 1 });
      expect((await world.call('GET', `${url(customerId, id)}?asOf=2025-01-15T09:59:59Z`, world.as(partner))).status).toBe(404);
      expect((await world.call('GET', `${url(customerId, id)}?asOf=yesterday`, world.as(partner))).status).toBe(400);
    });
  });

  describe('concurrency', () => {
    /** The change a stored event records, in the shape of the PATCH body that asked for it. */
    const changeOf = (event: StoredEvent) => ('friendlyName' in event.data ? { friendlyName: event.data.friendlyName } : { quantity: event.data.quantity });
    const byJson = (a: object, b: object) => JSON.stringify(a).localeCompare(JSON.stringify(b));

    /** Resolves once `n` of the promises have settled. */
    const settledCount = (promises: Array<Promise<unknown>>, n: number): Promise<void> =>
      new Promise((resolve) => {
        let settled = 0;
        if (n === 0) resolve();
        for (const promise of promises) void promise.finally(() => ++settled === n && resolve());
      });

    it('concurrent commands on one subscription never lose an update: each answers 200 with its change recorded, or 409', async () => {
      const customerId = await world.customer(partner);
      const id = await world.buy(partner, customerId);
      const requests = Array.from({ length: 12 }, (_, n) => (n % 2 === 0 ? { quantity: 11 + n } : { friendlyName: `name-${n}` }));
      const answers = await Promise.all(requests.map((body) => patch(customerId, id, body)));
      for (const answer of answers) {
        expect([200, 409]).toContain(answer.status);
        if (answer.status === 409) expect(answer.body.code).toBe('version-conflict');
      }
      const events = await world.streamEvents(`subscription-${id}`);
      expect(events[0].type).toBe('SubscriptionPurchased');
      const succeeded = requests.filter((_, n) => answers[n].status === 200);
      expect(succeeded.length).toBeGreaterThan(0);
      // Each accepted answer's version is the place of its own change in the stream.
      for (const [n, answer] of answers.entries()) {
        if (answer.status === 200) expect({ n, change: changeOf(events[answer.body.version]) }).toEqual({ n, change: requests[n] });
      }
      // Exactly the accepted changes are in the log: every change asked for is new, so each writes one event.
      expect(events.slice(1).map(changeOf).sort(byJson)).toEqual([...succeeded].sort(byJson));
      expect(count(events, 'SubscriptionQuantityChanged')).toBe(succeeded.filter((change) => 'quantity' in change).length);
      // Each quantity change starts from the quantity the events before it left.
      const chain = quantityChain(events);
      expect(chain.breaks).toEqual([]);
      const final = await read(customerId, id);
      expect(final.version).toBe(events.length - 1);
      expect(final.quantity).toBe(chain.after[chain.after.length - 1]);
      const quantityChanges = events.filter((e) => e.type === 'SubscriptionQuantityChanged');
      if (quantityChanges.length > 0) expect(final.quantity).toBe(quantityChanges[quantityChanges.length - 1].data.quantity);
    });

    it('R-CANCEL-1 R-CANCEL-2: a cancel racing seat increases either wins (nothing changes after it) or loses, and no update is lost', async () => {
      const customerId = await world.customer(partner);
      const quantities = [11, 12, 13, 14, 15, 16, 17, 18];
      // The cancel is sent with the seat changes, then once one of them, then once three of them have answered.
      for (const answeredFirst of [0, 1, 3]) {
        const id = await world.buy(partner, customerId);
        const seatChanges = quantities.map((quantity) => patch(customerId, id, { quantity }));
        const cancel = await settledCount(seatChanges, answeredFirst).then(() => world.call('POST', url(customerId, id, '/cancel'), world.as(partner)));
        const answers = await Promise.all(seatChanges);
        await expectNoLostUpdate(customerId, id, quantities, answers, cancel);
      }
    });

    /** Checks one race of seat changes (`answers[n]` for `quantities[n]`) and a cancel on one subscription. */
    async function expectNoLostUpdate(customerId: string, id: string, quantities: number[], answers: Answer[], cancel: Answer): Promise<void> {
      const events = await world.streamEvents(`subscription-${id}`);
      const chain = quantityChain(events);
      expect(chain.breaks).toEqual([]);
      for (const [n, answer] of answers.entries()) {
        if (answer.status === 200) {
          expect({ n, event: events[answer.body.version] }).toMatchObject({ n, event: { type: 'SubscriptionQuantityChanged', data: { quantity: quantities[n] } } });
        } else {
          expect({ n, status: answer.status, problemJson: String(answer.type).includes(PROBLEM_JSON) }).toEqual({ n, status: 409, problemJson: true });
          expect(['version-conflict', 'subscription-not-active']).toContain(answer.body.code);
        }
      }
      const accepted = answers.filter((answer) => answer.status === 200);
      expect(count(events, 'SubscriptionQuantityChanged')).toBe(accepted.length);
      const cancelledAt = events.findIndex((e) => e.type === 'SubscriptionCancelled');
      const final = await read(customerId, id);
      expect(final.version).toBe(events.length - 1);
      expect(final.quantity).toBe(chain.after[chain.after.length - 1]);

      if (cancel.status === 200) {
        // The cancel won: it is the last event, every accepted seat change came before it, and it refunded them all.
        expect(count(events, 'SubscriptionCancelled')).toBe(1);
        expect(cancelledAt).toBe(events.length - 1);
        expect(cancel.body).toMatchObject({ status: 'deleted', version: cancelledAt, quantity: chain.after[cancelledAt] });
        expect(final.status).toBe('deleted');
        await expectRefused(() => patch(customerId, id, { quantity: 20 }), 409, 'subscription-not-active');
      } else {
        // The cancel lost the race to the seat changes; nothing else refused them.
        expect(outcomeOf(cancel)).toEqual(expectedOf({ status: 409, code: 'version-conflict' }));
        expect(cancelledAt).toBe(-1);
        expect(final.status).toBe('active');
        for (const answer of answers) if (answer.status !== 200) expect(answer.body.code).toBe('version-conflict');
      }
    }
  });

  describe('roles and tenants', () => {
    interface MatrixRow {
      name: string;
      method: Method;
      path: string;
      body?: object;
      /** For admin agents, sales agents and global admins of the owning partner (R-ROLE-1). */
      buyers: Outcome;
      customerAdmin: Outcome;
      operator: Outcome;
    }
    interface Caller {
      label: string;
      who: Who;
      expected: (row: MatrixRow) => Outcome;
    }

    /** Every role of SPEC.md section 1 in the owning partner and in another one, the customer's admin and the operator. */
    const callersFor = (customerId: string): Caller[] => [
      ...BUYER_ROLES.map((role): Caller => ({ label: role, who: world.as(partner, role), expected: (row) => row.buyers })),
      ...OTHER_PARTNER_ROLES.map((role): Caller => ({ label: role, who: world.as(partner, role), expected: () => FORBIDDEN })),
      { label: 'customer-admin', who: world.adminOf(customerId), expected: (row) => row.customerAdmin },
      { label: 'operator', who: OPERATOR, expected: (row) => row.operator },
      ...BUYER_ROLES.map((role): Caller => ({ label: `another partner's ${role}`, who: world.as(other, role), expected: () => NOT_FOUND })),
      ...OTHER_PARTNER_ROLES.map((role): Caller => ({ label: `another partner's ${role}`, who: world.as(other, role), expected: () => FORBIDDEN })),
    ];

    /** Calls every row as every caller; answers the mismatches, and every refusal that wrote an event. */
    const runMatrix = async (customerId: string, rows: MatrixRow[]): Promise<string[]> => {
      const failures: string[] = [];
      for (const row of rows) {
        for (const caller of callersFor(customerId)) {
          const expected = expectedOf(caller.expected(row));
          const before = expected.status >= 400 ? await world.eventCount() : undefined;
          const got = outcomeOf(await world.call(row.method, row.path, caller.who, row.body));
          const label = `${row.name} as ${caller.label}`;
          if (JSON.stringify(got) !== JSON.stringify(expected)) failures.push(`${label}: expected ${JSON.stringify(expected)}, got ${JSON.stringify(got)}`);
          if (before !== undefined && (await world.eventCount()) !== before) failures.push(`${label}: refused, yet wrote events`);
        }
      }
      return failures;
    };

    it('R-ROLE-1 R-TENANT-1: the role matrix of every subscription, cart and order endpoint', async () => {
      expect([...BUYER_ROLES, ...OTHER_PARTNER_ROLES].sort()).toEqual([...PARTNER_ROLES].sort());
      const customerId = await world.customer(partner);
      const { subscriptionId: id, orderId, cartId } = await purchase(partner, customerId);
      await world.catchUp();
      // After the window: cancel is refused by the rule (422), which proves the role was let through.
      world.setClock(at(200));
      const reads = { buyers: OK, customerAdmin: OK, operator: OK };
      const buyersOnly = { buyers: OK, customerAdmin: FORBIDDEN, operator: FORBIDDEN };
      const rows: MatrixRow[] = [
        { name: 'list', method: 'GET', path: `/v1/customers/${customerId}/subscriptions`, ...reads },
        { name: 'get', method: 'GET', path: url(customerId, id), ...reads },
        { name: 'history', method: 'GET', path: url(customerId, id, '/history'), ...reads },
        { name: 'eligibilities', method: 'GET', path: url(customerId, id, '/transition-eligibilities'), ...reads },
        { name: 'orders', method: 'GET', path: `/v1/customers/${customerId}/orders`, ...reads },
        { name: 'order', method: 'GET', path: `/v1/customers/${customerId}/orders/${orderId}`, ...reads },
        // Carts are the buyers' (and the operator's); the customer's admin reads orders, not carts.
        { name: 'cart', method: 'GET', path: `/v1/customers/${customerId}/carts/${cartId}`, buyers: OK, customerAdmin: FORBIDDEN, operator: OK },
        { name: 'end dates', method: 'GET', path: `/v1/customers/${customerId}/subscriptions/custom-term-end-dates?termDuration=P1Y`, ...buyersOnly },
        { name: 'patch', method: 'PATCH', path: url(customerId, id), body: { friendlyName: 'matrix' }, ...buyersOnly },
        { name: 'schedule', method: 'PUT', path: url(customerId, id, '/scheduled-changes'), body: { quantity: 3 }, ...buyersOnly },
        { name: 'unschedule', method: 'DELETE', path: url(customerId, id, '/scheduled-changes'), ...buyersOnly },
        { name: 'cancel', method: 'POST', path: url(customerId, id, '/cancel'), ...buyersOnly, buyers: ruleRefusal('cancellation-window-closed') },
        {
          name: 'transition',
          method: 'POST',
          path: url(customerId, id, '/transitions'),
          body: { toCatalogItemId: ITEMS.e5Annual, quantity: 99 },
          ...buyersOnly,
          buyers: ruleRefusal('upgrade-quantity-exceeds-subscription'),
        },
      ];
      expect(await runMatrix(customerId, rows)).toEqual([]);
    });

    /** Requests on a subscription and its order and cart; each would write (or read) if the caller were let through. */
    const probesOf = (customerId: string, bought: { subscriptionId: string; orderId: string; cartId: string }): Array<[string, Method, string, object?]> => {
      const sub = (suffix = '') => url(customerId, bought.subscriptionId, suffix);
      return [
        ['get', 'GET', sub()],
        ['history', 'GET', sub('/history')],
        ['eligibilities', 'GET', sub('/transition-eligibilities')],
        ['order', 'GET', `/v1/customers/${customerId}/orders/${bought.orderId}`],
        ['cart', 'GET', `/v1/customers/${customerId}/carts/${bought.cartId}`],
        ['patch', 'PATCH', sub(), { quantity: 11 }],
        ['schedule', 'PUT', sub('/scheduled-changes'), { quantity: 5 }],
        ['unschedule', 'DELETE', sub('/scheduled-changes')],
        ['transition', 'POST', sub('/transitions'), { toCatalogItemId: ITEMS.e5Annual, quantity: 1 }],
        ['cancel', 'POST', sub('/cancel')],
      ];
    };

    /** Every probe answers 404 not-found as problem+json, and nothing is written. */
    const expectAllNotFound = async (probes: Array<[string, Method, string, object?]>, who: Who): Promise<void> => {
      const before = await world.eventCount();
      const got: Array<{ name: string } & ReturnType<typeof outcomeOf>> = [];
      for (const [name, method, path, body] of probes) got.push({ name, ...outcomeOf(await world.call(method, path, who, body)) });
      expect(got).toEqual(probes.map(([name]) => ({ name, ...expectedOf(NOT_FOUND) })));
      expect(await world.eventCount()).toBe(before);
    };

    const idsIn = async (path: string, who: Who): Promise<string[]> => {
      const answer = await world.call('GET', path, who);
      expect(answer.status).toBe(200);
      return answer.body.items.map((item: { id: string }) => item.id).sort();
    };

    /** R-CUST-3 R-CUST-5: the partner requests a relationship with the customer, whose admin accepts it. */
    const relate = async (newcomer: Partner, customerId: string): Promise<void> => {
      const request = await world.call('POST', '/v1/relationship-requests', world.as(newcomer, 'global-admin'), { customerId });
      expect(request.status).toBe(201);
      const accepted = await world.call('POST', `/v1/relationship-requests/${encodeURIComponent(request.body.token)}/accept`, world.adminOf(customerId));
      expect(accepted.status).toBe(200);
    };

    it('R-TENANT-1: a subscription, order or cart addressed under another customer of the same partner answers 404 and writes nothing', async () => {
      const customerA = await world.customer(partner);
      const customerB = await world.customer(partner);
      const bought = await purchase(partner, customerA);
      // Scheduled changes exist, so a DELETE let through would write.
      expect((await world.call('PUT', url(customerA, bought.subscriptionId, '/scheduled-changes'), world.as(partner), { quantity: 5 })).status).toBe(200);
      const ownOfB = await purchase(partner, customerB);

      const probes = probesOf(customerB, bought);
      for (const role of BUYER_ROLES) await expectAllNotFound(probes, world.as(partner, role));
      const readProbes = probes.filter(([, method]) => method === 'GET');
      await expectAllNotFound(readProbes, OPERATOR);
      // Carts are not the customer admin's to read at all (403 by role, see the matrix).
      await expectAllNotFound(readProbes.filter(([name]) => name !== 'cart'), world.adminOf(customerB));

      await world.catchUp();
      expect(await idsIn(`/v1/customers/${customerB}/subscriptions`, world.as(partner))).toEqual([ownOfB.subscriptionId]);
      expect(await idsIn(`/v1/customers/${customerB}/orders`, world.as(partner))).toEqual([ownOfB.orderId]);
      expect(await read(customerA, bought.subscriptionId)).toMatchObject({ status: 'active', quantity: 10, version: 1, scheduledNextTermInstructions: { quantity: 5 } });
    });

    it('R-TENANT-1 R-CUST-5: a partner with its own relationship to the customer neither sees nor changes another partner\'s subscriptions and orders', async () => {
      const customerId = await world.customer(partner);
      const owned = await purchase(partner, customerId);
      expect((await world.call('PUT', url(customerId, owned.subscriptionId, '/scheduled-changes'), world.as(partner), { quantity: 5 })).status).toBe(200);
      const rival = await world.onboard('direct');
      await relate(rival, customerId);
      const rivals = await purchase(rival, customerId);

      for (const role of BUYER_ROLES) await expectAllNotFound(probesOf(customerId, owned), world.as(rival, role));
      // And the other way round.
      await expectAllNotFound(probesOf(customerId, rivals), world.as(partner));

      await world.catchUp();
      const subscriptions = `/v1/customers/${customerId}/subscriptions`;
      const orders = `/v1/customers/${customerId}/orders`;
      expect(await idsIn(subscriptions, world.as(rival))).toEqual([rivals.subscriptionId]);
      expect(await idsIn(orders, world.as(rival))).toEqual([rivals.orderId]);
      expect(await idsIn(subscriptions, world.as(partner))).toEqual([owned.subscriptionId]);
      expect(await idsIn(orders, world.as(partner))).toEqual([owned.orderId]);
      // The customer's admin sees both partners' (R-CUST-5).
      expect(await idsIn(subscriptions, world.adminOf(customerId))).toEqual([owned.subscriptionId, rivals.subscriptionId].sort());
      // R-SUB-3: the end dates offered to the rival align with its own subscriptions only.
      const dates = await world.call('GET', `${subscriptions}/custom-term-end-dates?termDuration=P1Y`, world.as(rival));
      expect(dates.status).toBe(200);
      expect(JSON.stringify(dates.body)).not.toContain(owned.subscriptionId);
      expect(await read(customerId, owned.subscriptionId)).toMatchObject({ status: 'active', quantity: 10, version: 1, scheduledNextTermInstructions: { quantity: 5 } });
    });
  });

  describe('bad input', () => {
    it('answers 400 problem+json with a stable code and writes nothing', async () => {
      const customerId = await world.customer(partner);
      const id = await world.buy(partner, customerId);
      const before = await world.eventCount();
      const cases: Array<[string, 'GET' | 'POST' | 'PATCH' | 'PUT', string, object | undefined]> = [
        ['empty patch', 'PATCH', url(customerId, id), {}],
        ['zero quantity', 'PATCH', url(customerId, id), { quantity: 0 }],
        ['status deleted', 'PATCH', url(customerId, id), { status: 'deleted' }],
        ['unknown field', 'PATCH', url(customerId, id), { seats: 3 }],
        ['bad partner id', 'PATCH', url(customerId, id), { partnerId: 'abc' }],
        ['negative scheduled quantity', 'PUT', url(customerId, id, '/scheduled-changes'), { quantity: -1 }],
        ['scheduled bad date', 'PUT', url(customerId, id, '/scheduled-changes'), { customTermEndDate: '31.12.2026' }],
        ['transition without target', 'POST', url(customerId, id, '/transitions'), {}],
        ['bad status filter', 'GET', `/v1/customers/${customerId}/subscriptions?status=gone`, undefined],
        ['bad eligibility type', 'GET', url(customerId, id, '/transition-eligibilities?eligibilityType=later'), undefined],
        ['bad limit', 'GET', `/v1/customers/${customerId}/orders?limit=0`, undefined],
      ];
      for (const [name, method, path, body] of cases) {
        const answer = await world.call(method, path, world.as(partner), body);
        expect({ name, status: answer.status, code: answer.body.code, type: answer.type }).toEqual({
          name,
          status: 400,
          code: 'validation-failed',
          type: expect.stringContaining('application/problem+json'),
        });
      }
      expect(await world.eventCount()).toBe(before);
    });
  });
});
