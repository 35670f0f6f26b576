import type { Role } from '../../../../libs/auth/src/auth.types';
import { TimerService } from '../../../../libs/timers/src/timer-service';
import { startTestApp, type TestApp } from '../../../../test/support/app';
import { BUYER_ROLES, ITEMS, line, OPERATOR, OTHER_PARTNER_ROLES, World, type Partner, type Who } from './testing/world';

const T0 = '2025-01-15T10:00:00.000Z';
const at = (hours: number, seconds = 0) => new Date(Date.parse(T0) + hours * 3_600_000 + seconds * 1000).toISOString();

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
      expect((await patch(customerId, partial, { status: 'active' })).body.code).toBe('subscription-not-active');
      expect((await world.call('POST', url(customerId, partial, '/cancel'), world.as(partner))).status).toBe(409);
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
      expect((await patch(customerId, id, { quantity: 11 })).body.code).toBe('seat-reduction-window-closed');
      // A new batch opens its own window.
      expect((await patch(customerId, id, { quantity: 14 })).status).toBe(200);
      world.setClock(at(48 + 168 + 167, 3599));
      expect((await patch(customerId, id, { quantity: 12 })).body.quantity).toBe(12);
      expect((await patch(customerId, id, { quantity: 11 })).body.code).toBe('seat-reduction-window-closed');
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
      expect((await patch(customerId, id, { quantity: 11 })).body.code).toBe('subscription-not-active');
      expect((await patch(customerId, id, { autoRenewEnabled: true })).body.code).toBe('auto-renew-not-allowed-while-suspended');
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
      expect((await patch(customerId, id, { partnerId: other.partnerId })).body.code).toBe('not-an-indirect-provider');

      const provider = await world.onboard('indirect-provider');
      const reseller = await world.onboard('indirect-reseller');
      const providerCustomer = await world.customer(provider);
      const sub = await world.buy(provider, providerCustomer);
      const asProvider = world.as(provider);
      expect((await patch(providerCustomer, sub, { partnerId: '99' }, asProvider)).body.code).toBe('reseller-not-found');
      expect((await patch(providerCustomer, sub, { partnerId: other.partnerId }, asProvider)).body.code).toBe('not-an-indirect-reseller');
      expect((await patch(providerCustomer, sub, { partnerId: reseller.partnerId }, asProvider)).body.partnerId).toBe(reseller.partnerId);
      // The associated reseller reads it (R-TENANT-1) but it is not its to manage.
      expect((await world.call('GET', url(providerCustomer, sub), world.as(reseller))).status).toBe(200);
      expect((await patch(providerCustomer, sub, { friendlyName: 'x' }, world.as(reseller))).status).toBe(403);
      expect((await patch(providerCustomer, sub, { partnerId: null }, asProvider)).body.partnerId).toBeNull();
      expect((await world.call('GET', url(providerCustomer, sub), world.as(reseller))).status).toBe(404);
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
      expect((await world.call('PUT', scheduled, world.as(partner), { customTermEndDate: '2026-06-30' })).body.code).toBe('custom-term-end-date-not-allowed');
      expect((await world.call('PUT', scheduled, world.as(partner), { catalogItemId: ITEMS.basicMonthly, termDuration: 'P1M', billingCycle: 'monthly' })).body.code).toBe(
        'upgrade-target-not-eligible',
      );

      const cleared = await world.call('DELETE', scheduled, world.as(partner));
      expect(cleared.body.scheduledNextTermInstructions).toBeNull();

      await world.call('PUT', scheduled, world.as(partner), { quantity: 7 });
      expect((await patch(customerId, id, { quantity: 11 })).body.scheduledNextTermInstructions).toBeNull();
      await world.call('PUT', scheduled, world.as(partner), { quantity: 7 });
      expect((await patch(customerId, id, { friendlyName: 'kept' })).body.scheduledNextTermInstructions).toMatchObject({ quantity: 7 });
      expect((await patch(customerId, id, { autoRenewEnabled: false })).body.scheduledNextTermInstructions).toBeNull();

      const refused = await world.call('PUT', scheduled, world.as(partner), { quantity: 7 });
      expect(refused.status).toBe(422);
      expect(refused.body.code).toBe('auto-renew-required');
      const types = (await world.streamEvents(`subscription-${id}`)).map((e) => e.type);
      expect(types.filter((t) => t === 'SubscriptionScheduledChangesCleared')).toHaveLength(3);
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
    it('concurrent commands on one subscription never lose an update: each answers 200 with its change recorded, or 409', async () => {
      const customerId = await world.customer(partner);
      const id = await world.buy(partner, customerId);
      const requests = Array.from({ length: 12 }, (_, n) => (n % 2 === 0 ? { quantity: 11 + n } : { friendlyName: `name-${n}` }));
      const answers = await Promise.all(requests.map((body) => patch(customerId, id, body)));
      for (const answer of answers) {
        expect([200, 409]).toContain(answer.status);
        if (answer.status === 409) expect(answer.body.code).toBe('version-conflict');
      }
      const events = (await world.streamEvents(`subscription-${id}`)).slice(1);
      const recorded = events.map((e) => ('friendlyName' in e.data ? { friendlyName: e.data.friendlyName } : { quantity: e.data.quantity }));
      const succeeded = requests.filter((_, n) => answers[n].status === 200);
      expect(succeeded.length).toBeGreaterThan(0);
      // Every accepted change is in the log, and nothing else is (a no-op change writes nothing).
      for (const change of succeeded) expect(recorded).toContainEqual(change);
      expect(recorded.length).toBeLessThanOrEqual(succeeded.length);
      const final = await read(customerId, id);
      expect(final.version).toBe(events.length);
    });
  });

  describe('roles and tenants', () => {
    it('R-ROLE-1 R-TENANT-1: the role matrix of every subscription endpoint', async () => {
      const customerId = await world.customer(partner);
      const id = await world.buy(partner, customerId);
      await world.catchUp();
      // After the window: cancel is refused by the rule (422), which proves the role was let through.
      world.setClock(at(200));
      const endpoints: Array<{ name: string; method: 'GET' | 'POST' | 'PATCH' | 'PUT' | 'DELETE'; path: string; body?: object; write: boolean; readers?: boolean }> = [
        { name: 'list', method: 'GET', path: `/v1/customers/${customerId}/subscriptions`, write: false },
        { name: 'get', method: 'GET', path: url(customerId, id), write: false },
        { name: 'history', method: 'GET', path: url(customerId, id, '/history'), write: false },
        { name: 'eligibilities', method: 'GET', path: url(customerId, id, '/transition-eligibilities'), write: false },
        { name: 'orders', method: 'GET', path: `/v1/customers/${customerId}/orders`, write: false },
        { name: 'end dates', method: 'GET', path: `/v1/customers/${customerId}/subscriptions/custom-term-end-dates?termDuration=P1Y`, write: false, readers: false },
        { name: 'patch', method: 'PATCH', path: url(customerId, id), body: { friendlyName: 'matrix' }, write: true },
        { name: 'schedule', method: 'PUT', path: url(customerId, id, '/scheduled-changes'), body: { quantity: 3 }, write: true },
        { name: 'unschedule', method: 'DELETE', path: url(customerId, id, '/scheduled-changes'), write: true },
        { name: 'cancel', method: 'POST', path: url(customerId, id, '/cancel'), write: true },
        { name: 'transition', method: 'POST', path: url(customerId, id, '/transitions'), body: { toCatalogItemId: ITEMS.e5Annual, quantity: 99 }, write: true },
      ];
      const failures: string[] = [];
      const check = (label: string, status: number, ok: (status: number) => boolean) => {
        if (!ok(status)) failures.push(`${label}: ${status}`);
      };
      const allowed = (status: number) => status < 400 || status === 422;
      for (const endpoint of endpoints) {
        for (const role of BUYER_ROLES) {
          const answer = await world.call(endpoint.method, endpoint.path, world.as(partner, role), endpoint.body);
          check(`${endpoint.name} as ${role}`, answer.status, allowed);
        }
        const forbiddenRoles: Role[] = [...OTHER_PARTNER_ROLES];
        for (const role of forbiddenRoles) {
          check(`${endpoint.name} as ${role}`, (await world.call(endpoint.method, endpoint.path, world.as(partner, role), endpoint.body)).status, (s) => s === 403);
        }
        for (const who of [world.adminOf(customerId), OPERATOR]) {
          const status = (await world.call(endpoint.method, endpoint.path, who, endpoint.body)).status;
          const reads = !endpoint.write && endpoint.readers !== false;
          check(`${endpoint.name} as ${who.roles[0]}`, status, (s) => (reads ? s === 200 : s === 403));
        }
        for (const role of BUYER_ROLES) {
          check(`${endpoint.name} as another partner's ${role}`, (await world.call(endpoint.method, endpoint.path, world.as(other, role), endpoint.body)).status, (s) => s === 404);
        }
      }
      expect(failures).toEqual([]);
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
