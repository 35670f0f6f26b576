import { sql } from 'kysely';
import { TimerService } from '../../../../libs/timers/src/timer-service';
import { startTestApp, type TestApp } from '../../../../test/support/app';
import { ITEMS, line, OPERATOR, World, type Partner } from './testing/world';

/** The subscription's events with the domain instant each happened at. */
interface Recorded {
  type: string;
  occurredAt: string;
  data: Record<string, unknown>;
}

describe('term-end lifecycle on durable timers (HTTP, test clock)', () => {
  let app: TestApp;
  let world: World;
  let partner: Partner;

  beforeAll(async () => {
    app = await startTestApp();
    world = new World(app);
    await world.catchUp();
    partner = await world.onboard('direct');
    world.setClock('2025-01-15T10:00:00.000Z');
    // The list in force from 2026 (R-PRICE-1) and a promotion available in January 2027 (R-PRICE-3).
    const prices = await world.call('POST', '/v1/price-lists', OPERATOR, {
      market: 'DE',
      currency: 'EUR',
      effectiveFrom: '2026-01-01',
      items: [
        { catalogItemId: ITEMS.e3Annual, billingCycle: 'monthly', unitPrice: '36.00' },
        { catalogItemId: ITEMS.e3Annual, billingCycle: 'annual', unitPrice: '420.00' },
        { catalogItemId: ITEMS.e3P1M, billingCycle: 'monthly', unitPrice: '41.00' },
        { catalogItemId: ITEMS.e5Annual, billingCycle: 'annual', unitPrice: '680.00' },
        { catalogItemId: ITEMS.intune, billingCycle: 'annual', unitPrice: '94.00' },
      ],
    });
    expect(prices.status).toBe(201);
    const promotion = await world.call('POST', '/v1/promotions', OPERATOR, {
      id: 'E3-RENEWAL-2027',
      name: 'E3 renewals in January 2027',
      discountPercent: 5,
      startDate: '2027-01-01',
      endDate: '2027-01-31',
      catalogItemIds: [ITEMS.e3Annual],
      markets: ['DE'],
      termDurations: ['P1Y'],
      billingCycles: ['monthly'],
    });
    expect(promotion.status).toBe(201);
  });
  afterAll(async () => {
    await app?.close();
  });

  /** Moves business time through every due instant (POST /v1/test/clock semantics, API.md). */
  const moveTo = async (now: string): Promise<Array<{ timerId: string; kind: string; dueAt: string }>> => {
    const moved = await world.call('PUT', '/v1/test/clock', OPERATOR, { now });
    if (moved.status !== 200) throw new Error(`clock move failed: ${JSON.stringify(moved.body)}`);
    expect(moved.body.unprocessed).toEqual([]);
    return moved.body.fired;
  };
  const read = async (customerId: string, id: string) => (await world.call('GET', world.subscriptionUrl(customerId, id), world.as(partner))).body;
  const events = async (id: string): Promise<Recorded[]> => {
    const result = await sql<Recorded>`
      select type, metadata->>'occurredAt' as "occurredAt", data from events where stream_name = ${`subscription-${id}`} order by stream_version`.execute(app.db.db);
    return result.rows;
  };
  const firedFor = (fired: Array<{ timerId: string; kind: string; dueAt: string }>, id: string) =>
    fired.filter((timer) => timer.timerId.endsWith(id)).map((timer) => `${timer.kind}@${timer.dueAt}`);
  const dueRows = async (id: string) =>
    (await app.db.db.selectFrom('due_timers').select(['kind', 'due_at']).where('stream_name', '=', `subscription-${id}`).execute()).map(
      (row) => `${row.kind}@${row.due_at.toISOString()}`,
    );

  it('R-SUB-4: an imported software subscription bought before 2021-10-14 never renews and expires at its end date', async () => {
    world.setClock('2024-01-10T08:00:00.000Z');
    const customerId = await world.customer(partner, { attest: false });
    const attested = await world.call('POST', `/v1/customers/${customerId}/agreements`, world.as(partner), {
      type: 'MicrosoftCustomerAgreement',
      primaryContact: { firstName: 'Ada', lastName: 'Muster', email: 'ada@contoso.example' },
      dateAgreed: '2024-01-09',
    });
    expect(attested.status).toBe(201);
    const body = {
      partnerTenantId: partner.id,
      catalogItemId: 'DG7GMGF0D5RK:0001:DG7GMGF03VSC',
      quantity: 2,
      termDuration: 'P3Y',
      billingCycle: 'annual',
      effectiveStartDate: '2021-09-01',
      unitPrice: { amount: '855.40', currency: 'EUR' },
      autoRenewEnabled: true,
      source: `legacy-${customerId}`,
    };
    expect((await world.call('POST', `/v1/customers/${customerId}/subscriptions/imports`, world.as(partner, 'admin-agent'), body)).status).toBe(403);
    const imported = await world.call('POST', `/v1/customers/${customerId}/subscriptions/imports`, OPERATOR, body);
    expect(imported.status).toBe(201);
    expect(imported.body).toMatchObject({
      status: 'active',
      autoRenewEnabled: false,
      autoRenewAvailable: false,
      effectiveStartDate: '2021-09-01',
      commitmentEndDate: '2024-08-31',
      importedFrom: `legacy-${customerId}`,
      orderId: null,
      unitPrice: { amount: '855.40', currency: 'EUR' },
      nextLifecycleStep: { step: 'expiry', at: '2024-09-01T00:00:00.000Z' },
    });
    const id = imported.body.id;
    // The same source again answers the same subscription.
    expect((await world.call('POST', `/v1/customers/${customerId}/subscriptions/imports`, OPERATOR, body)).body.id).toBe(id);
    const refused = await world.call('PATCH', world.subscriptionUrl(customerId, id), world.as(partner, 'admin-agent'), { autoRenewEnabled: true });
    expect(refused).toMatchObject({ status: 422, body: { code: 'auto-renew-not-available' } });
    const ended = await world.call('POST', `/v1/customers/${customerId}/subscriptions/imports`, OPERATOR, {
      ...body,
      effectiveStartDate: '2020-06-01',
      source: `${body.source}-old`,
    });
    expect(ended).toMatchObject({ status: 422, body: { code: 'term-already-ended' } });

    expect(firedFor(await moveTo('2024-08-31T23:59:59.000Z'), id)).toEqual([]);
    expect((await read(customerId, id)).status).toBe('active');
    expect(firedFor(await moveTo('2024-09-01T00:00:00.000Z'), id)).toEqual(['subscription.term-end@2024-09-01T00:00:00.000Z']);
    expect(await read(customerId, id)).toMatchObject({ status: 'expired', expiredAt: '2024-09-01T00:00:00.000Z', graceEndsAt: '2024-10-01T00:00:00.000Z' });
    expect((await events(id)).map((e) => e.type)).toEqual(['SubscriptionImported', 'SubscriptionExpired']);
  });

  it('R-SUB-6: a monthly term renews every month, each exactly at 00:00 UTC after its end date', async () => {
    world.setClock('2025-01-15T10:00:00.000Z');
    const customerId = await world.customer(partner);
    const id = await world.buy(partner, customerId, line(ITEMS.e3P1M, { termDuration: 'P1M', billingCycle: 'monthly', quantity: 3 }));
    expect((await read(customerId, id)).commitmentEndDate).toBe('2025-02-14');

    const fired = await moveTo('2025-04-15T00:00:00.000Z');
    expect(firedFor(fired, id)).toEqual([
      'subscription.term-end@2025-02-15T00:00:00.000Z',
      'subscription.term-end@2025-03-15T00:00:00.000Z',
      'subscription.term-end@2025-04-15T00:00:00.000Z',
    ]);
    const renewals = (await events(id)).filter((e) => e.type === 'SubscriptionRenewed');
    expect(renewals.map((e) => [e.occurredAt, e.data.renewedAt, e.data.effectiveStartDate, e.data.commitmentEndDate])).toEqual([
      ['2025-02-15T00:00:00.000Z', '2025-02-15T00:00:00.000Z', '2025-02-15', '2025-03-14'],
      ['2025-03-15T00:00:00.000Z', '2025-03-15T00:00:00.000Z', '2025-03-15', '2025-04-14'],
      ['2025-04-15T00:00:00.000Z', '2025-04-15T00:00:00.000Z', '2025-04-15', '2025-05-14'],
    ]);
    // The February list (39.21 a month) prices the renewals, not the January one (38.07) the purchase used.
    expect(renewals[0].data).toMatchObject({ pricing: { unitPrice: { minor: 3_921, currency: 'EUR' }, priceListEffectiveFrom: '2025-02-01' } });
    expect(await dueRows(id)).toEqual(['subscription.term-end@2025-05-15T00:00:00.000Z']);
  });

  it('R-SUB-4 R-SUB-5 R-SUB-10: while the term end is being processed, auto-renew, scheduled changes and suspend answer 409 with Retry-After', async () => {
    world.setClock('2025-01-15T10:00:00.000Z');
    const customerId = await world.customer(partner);
    const id = await world.buy(partner, customerId);
    const url = world.subscriptionUrl(customerId, id);
    const queue = app.running.app.get(TimerService).queue();
    await queue.pause();
    try {
      world.setClock('2026-01-15T00:00:00.000Z');
      const auth = await app.authFor(world.as(partner));
      for (const [method, path, payload] of [
        ['PATCH', url, { autoRenewEnabled: false }],
        ['PATCH', url, { status: 'suspended' }],
        ['PUT', `${url}/scheduled-changes`, { quantity: 12 }],
      ] as const) {
        const answer = await app.http.inject({ method, url: path, headers: auth, payload });
        expect(answer.statusCode).toBe(409);
        expect(answer.headers['retry-after']).toBe('10');
        expect(answer.headers['content-type']).toContain('application/problem+json');
        expect(answer.json()).toMatchObject({ code: 'renewal-in-progress', details: { termEndedAt: '2026-01-15T00:00:00.000Z', retryAfterSeconds: 10 } });
      }
      expect((await events(id)).map((e) => e.type)).toEqual(['SubscriptionPurchased']);
    } finally {
      await queue.resume();
    }
    await moveTo('2026-01-15T00:00:00.000Z');
    const after = await world.call('PATCH', url, world.as(partner), { autoRenewEnabled: false });
    expect(after.status).toBe(200);
    expect(after.body).toMatchObject({ autoRenewEnabled: false, effectiveStartDate: '2026-01-15', commitmentEndDate: '2027-01-14' });
  });

  it('R-SUB-7: during the grace period any partner with a relationship buys the same offer again at once, and the read names the expired subscription', async () => {
    world.setClock('2025-01-15T10:00:00.000Z');
    const customerId = await world.customer(partner);
    const other = await world.onboard('direct');
    const request = await world.call('POST', '/v1/relationship-requests', world.as(other, 'account-admin'), { customerId });
    expect(request.status).toBe(201);
    expect((await world.call('POST', `/v1/relationship-requests/${request.body.token}/accept`, world.adminOf(customerId))).status).toBeLessThan(300);

    const expiring = await world.buy(partner, customerId);
    const staying = await world.buy(partner, customerId, line(ITEMS.intune));
    expect((await world.call('PATCH', world.subscriptionUrl(customerId, expiring), world.as(partner), { autoRenewEnabled: false })).status).toBe(200);
    await world.catchUp();
    const upcoming = await world.call('GET', `/v1/customers/${customerId}/subscriptions?endsBefore=2026-01-15`, world.as(partner));
    expect(upcoming.body.items.map((s: { id: string }) => s.id).sort()).toEqual([expiring, staying].sort());
    expect((await world.call('GET', `/v1/customers/${customerId}/subscriptions?endsBefore=2026-01-14`, world.as(partner))).body.items).toEqual([]);
    expect((await world.call('GET', `/v1/customers/${customerId}/subscriptions?endsBefore=15.01.2026`, world.as(partner))).status).toBe(400);

    await moveTo('2026-01-25T10:00:00.000Z');
    const expired = await world.call('GET', `/v1/customers/${customerId}/subscriptions?status=expired`, world.as(partner));
    expect(expired.body.items).toEqual([
      expect.objectContaining({ id: expiring, status: 'expired', expiredAt: '2026-01-15T00:00:00.000Z', graceEndsAt: '2026-02-14T00:00:00.000Z', autoRenewEnabled: false }),
    ]);
    const continued = await world.buy(other, customerId);
    const continuing = await world.call('GET', world.subscriptionUrl(customerId, continued), world.as(other));
    expect(continuing.body).toMatchObject({ status: 'active', continuesSubscriptionId: expiring, effectiveStartDate: '2026-01-25', commitmentEndDate: '2027-01-24' });
    // A SKU without an expired subscription is a plain purchase.
    const unrelated = await world.buy(other, customerId, line(ITEMS.e5Annual));
    expect((await world.call('GET', world.subscriptionUrl(customerId, unrelated), world.as(other))).body.continuesSubscriptionId).toBeNull();

    await moveTo('2026-02-14T00:00:00.000Z');
    expect((await read(customerId, expiring)).status).toBe('disabled');
    const afterGrace = await world.buy(partner, customerId);
    expect((await world.call('GET', world.subscriptionUrl(customerId, afterGrace), world.as(partner))).body.continuesSubscriptionId).toBeNull();
    await world.catchUp();
    const list = await world.call('GET', `/v1/customers/${customerId}/subscriptions?status=active`, world.as(other));
    expect(list.body.items).toEqual(expect.arrayContaining([expect.objectContaining({ id: continued, continuesSubscriptionId: expiring })]));
  });

  it('R-SUB-5 R-SUB-6 R-SUB-7 R-PRICE-1 R-PRICE-3 R-PRICE-5: three years: two renewals with the scheduled change, then expired, grace, disabled, deleted, each once at its instant', async () => {
    world.setClock('2025-01-15T10:00:00.000Z');
    const customerId = await world.customer(partner);
    const id = await world.buy(partner, customerId, line(ITEMS.e3Annual, { billingCycle: 'monthly', quantity: 10 }));
    const url = world.subscriptionUrl(customerId, id);
    world.setClock('2025-03-01T12:00:00.000Z');
    expect((await world.call('PUT', `${url}/scheduled-changes`, world.as(partner), { quantity: 15 })).status).toBe(200);

    // First renewal: not a second early, then exactly at 2026-01-15T00:00:00Z.
    expect(firedFor(await moveTo('2026-01-14T23:59:59.000Z'), id)).toEqual([]);
    expect(await read(customerId, id)).toMatchObject({ status: 'active', quantity: 10, commitmentEndDate: '2026-01-14', nextLifecycleStep: { step: 'renewal', at: '2026-01-15T00:00:00.000Z' } });
    expect(firedFor(await moveTo('2026-01-15T00:00:00.000Z'), id)).toEqual(['subscription.term-end@2026-01-15T00:00:00.000Z']);
    expect(await read(customerId, id)).toMatchObject({
      id,
      status: 'active',
      quantity: 15,
      billingCycle: 'monthly',
      effectiveStartDate: '2026-01-15',
      commitmentEndDate: '2027-01-14',
      unitPrice: { amount: '36.00', currency: 'EUR' },
      scheduledNextTermInstructions: null,
      // R-CANCEL-1: a new window opens with the new term.
      refundOptions: [
        { type: 'Full', expiresAt: '2026-01-16T00:00:00.000Z' },
        { type: 'Partial', expiresAt: '2026-01-22T00:00:00.000Z' },
      ],
      refundableQuantity: { totalQuantity: 15, details: [{ quantity: 15, allowedUntilDateTime: '2026-01-22T00:00:00.000Z' }] },
    });

    // Second renewal, with the promotion available then.
    expect(firedFor(await moveTo('2027-01-14T23:59:59.000Z'), id)).toEqual([]);
    expect(firedFor(await moveTo('2027-01-15T00:00:00.000Z'), id)).toEqual(['subscription.term-end@2027-01-15T00:00:00.000Z']);
    expect(await read(customerId, id)).toMatchObject({ quantity: 15, commitmentEndDate: '2028-01-14', promotionId: 'E3-RENEWAL-2027', discountPercent: 5 });

    world.setClock('2027-03-01T09:00:00.000Z');
    expect((await world.call('PATCH', url, world.as(partner), { autoRenewEnabled: false })).status).toBe(200);

    const steps: Array<[string, string, string]> = [
      ['2028-01-15T00:00:00.000Z', 'subscription.term-end', 'expired'],
      ['2028-02-14T00:00:00.000Z', 'subscription.disable', 'disabled'],
      ['2028-05-14T00:00:00.000Z', 'subscription.delete', 'deleted'],
    ];
    let previous = 'active';
    for (const [at, kind, status] of steps) {
      const before = new Date(Date.parse(at) - 1000).toISOString();
      expect(firedFor(await moveTo(before), id)).toEqual([]);
      expect((await read(customerId, id)).status).toBe(previous);
      expect(firedFor(await moveTo(at), id)).toEqual([`${kind}@${at}`]);
      expect((await read(customerId, id)).status).toBe(status);
      previous = status;
    }
    // Well past the end: nothing more happens.
    expect(firedFor(await moveTo('2029-01-01T00:00:00.000Z'), id)).toEqual([]);

    const history = await events(id);
    expect(history.map((e) => e.type)).toEqual([
      'SubscriptionPurchased',
      'SubscriptionScheduledChangesSet',
      'SubscriptionRenewed',
      'SubscriptionRenewed',
      'SubscriptionAutoRenewChanged',
      'SubscriptionExpired',
      'SubscriptionDisabled',
      'SubscriptionDeleted',
    ]);
    expect(history.slice(2).filter((e) => e.type !== 'SubscriptionAutoRenewChanged').map((e) => e.occurredAt)).toEqual([
      '2026-01-15T00:00:00.000Z',
      '2027-01-15T00:00:00.000Z',
      '2028-01-15T00:00:00.000Z',
      '2028-02-14T00:00:00.000Z',
      '2028-05-14T00:00:00.000Z',
    ]);
    // R-PRICE-5: each renewal records the price list, discount and charge it used.
    expect(history[2].data).toMatchObject({
      appliedInstructions: { quantity: 15, billingCycle: 'monthly' },
      pricing: { unitPrice: { minor: 3_600, currency: 'EUR' }, discountPercent: 0, priceListEffectiveFrom: '2026-01-01' },
      // Billed monthly: the new term's first month, 15 seats at 36.00.
      charge: { type: 'renewal', amount: { minor: 54_000, currency: 'EUR' }, quantity: 15, period: { start: '2026-01-15', end: '2026-02-14' } },
    });
    expect(history[3].data).toMatchObject({
      appliedInstructions: null,
      pricing: { unitPrice: { minor: 3_600 }, discountPercent: 5, discountedUnitPrice: { minor: 3_420 }, promotionId: 'E3-RENEWAL-2027' },
      charge: { amount: { minor: 51_300, currency: 'EUR' } },
    });
    expect(history[5].data).toMatchObject({ reason: 'auto-renew-off', expiredAt: '2028-01-15T00:00:00.000Z', graceEndsAt: '2028-02-14T00:00:00.000Z' });
    // Every lifecycle event names the platform as its actor (R-EVT-2).
    const actors = await sql<{ actor: string }>`
      select metadata->'actor'->>'userId' as actor from events where stream_name = ${`subscription-${id}`} and type in ('SubscriptionRenewed', 'SubscriptionExpired', 'SubscriptionDisabled', 'SubscriptionDeleted')`.execute(app.db.db);
    expect(new Set(actors.rows.map((row) => row.actor))).toEqual(new Set(['system:subscription-lifecycle']));
    expect(await dueRows(id)).toEqual([]);
    expect(await read(customerId, id)).toMatchObject({ status: 'deleted', expiredAt: '2028-01-15T00:00:00.000Z', disabledAt: '2028-02-14T00:00:00.000Z', deletedAt: '2028-05-14T00:00:00.000Z', nextLifecycleStep: null });
  });
});
