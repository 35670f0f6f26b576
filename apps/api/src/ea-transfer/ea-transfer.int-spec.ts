import { randomUUID } from 'node:crypto';
import { sql } from 'kysely';
import { Clock } from '../../../../libs/clock/src';
import { EaPartnerImports } from '../../../../libs/ea-transfer/src/application/ea-partner-imports';
import { EaRenewalProcessing } from '../../../../libs/ea-transfer/src/application/ea-transfer.processors';
import { EA_TIMER_KINDS, renewalTimerId } from '../../../../libs/ea-transfer/src/application/ea-transfer.timers';
import { eaAgreementIdOf, eaRenewalIdOf, eaRenewalStream } from '../../../../libs/ea-transfer/src/application/streams';
import { EVENT_STORE, type EventStore } from '../../../../libs/event-store/src/port';
import { PostgresEventStore } from '../../../../libs/event-store/src/postgres/postgres-event-store';
import { instantiateProjections } from '../../../../libs/event-store/src/projections/projection-runner';
import { verifyProjections } from '../../../../libs/audit/src/verify/projections-verify';
import { timerBatchJobId } from '../../../../libs/jobs/src/queues';
import { TimerService } from '../../../../libs/timers/src/timer-service';
import { LoopbackReceiver } from '../../../../libs/webhooks/src/testing/loopback-receiver';
import { startTestApp, type TestApp } from '../../../../test/support/app';
import { ALL_PROJECTIONS } from '../projections';
import { OPERATOR, World, type Partner, type Who } from '../subscriptions/testing/world';

interface EaSubscriptionInput {
  id: string;
  productName: string;
  provisioningId: string;
  segment: string;
  quantity: number;
  endDate: string;
}

/** EA subscriptions of the starter catalog's provisioning ids. */
const EA = {
  /** Microsoft 365 E3 (with Teams): end-of-sale in CSP (R-EA-6), upgrades to E5 (no Teams). */
  e3: (endDate: string, quantity = 10): EaSubscriptionInput => ({ id: `e3-${randomUUID().slice(0, 8)}`, productName: 'Microsoft 365 E3', provisioningId: 'Microsoft_365_E3', segment: 'commercial', quantity, endDate }),
  /** Microsoft 365 E5 (no Teams): a 15 % promotion on P1Y terms in 2025 (R-EA-12). */
  e5: (endDate: string, quantity = 25): EaSubscriptionInput => ({
    id: `e5-${randomUUID().slice(0, 8)}`,
    productName: 'Microsoft 365 E5 (no Teams)',
    provisioningId: 'Microsoft_365_E5_(no_Teams)',
    segment: 'commercial',
    quantity,
    endDate,
  }),
  basic: (endDate: string): EaSubscriptionInput => ({ id: `bb-${randomUUID().slice(0, 8)}`, productName: 'Microsoft 365 Business Basic', provisioningId: 'Microsoft_365_Business_Basic', segment: 'commercial', quantity: 5, endDate }),
  government: (endDate: string): EaSubscriptionInput => ({
    id: `g3-${randomUUID().slice(0, 8)}`,
    productName: 'Microsoft 365 G3 GCC',
    provisioningId: 'Microsoft_365_G3_GCC_(no_Teams)',
    segment: 'government',
    quantity: 5,
    endDate,
  }),
  noEquivalent: (endDate: string): EaSubscriptionInput => ({ id: `pp-${randomUUID().slice(0, 8)}`, productName: 'Project Plan 3', provisioningId: 'Project_Plan_3', segment: 'commercial', quantity: 3, endDate }),
};

describe('EA-to-CSP channel transfer (HTTP, test clock, real PostgreSQL and Redis)', () => {
  let app: TestApp;
  let world: World;
  let partnerA: Partner;
  let partnerB: Partner;

  beforeAll(async () => {
    app = await startTestApp();
    world = new World(app);
    await world.catchUp();
    world.setClock('2025-02-10T09:00:00.000Z');
    partnerA = await world.onboard('direct');
    partnerB = await world.onboard('direct');
  });
  afterAll(async () => {
    await app?.close();
  });

  const adminOf = (partner: Partner): Who => world.as(partner, 'admin-agent');
  const agreementNumber = () => String(10_000_000 + Math.floor(Math.random() * 89_999_999));

  /** Moves business time through every due instant (the renewals). */
  const moveTo = async (now: string) => {
    const moved = await world.call('PUT', '/v1/test/clock', OPERATOR, { now });
    if (moved.status !== 200) throw new Error(`clock move failed: ${JSON.stringify(moved.body)}`);
    expect(moved.body.unprocessed).toEqual([]);
    return moved.body.fired as Array<{ timerId: string; kind: string; dueAt: string }>;
  };
  /** Asks for the EA imports of new relationships (R-EA-15), then runs the work due now. */
  const settle = async () => {
    await app.running.app.get(EaPartnerImports).requestPending(20_000);
    return moveTo(app.clock.now().toISOString());
  };

  /** The operator's import, without waiting for the partners' imports it starts (R-EA-15). */
  const postAgreement = async (customerId: string, endDate: string, subscriptions: EaSubscriptionInput[], extra: Record<string, unknown> = {}) => {
    const body = { agreementNumber: agreementNumber(), customerId, startDate: '2022-04-01', endDate, extendedTerm: false, subscriptions, ...extra };
    const answer = await world.call('POST', '/v1/ea/agreements', OPERATOR, body);
    if (answer.status !== 201) throw new Error(`import failed: ${JSON.stringify(answer.body)}`);
    return { id: answer.body.agreement.id as string, body };
  };
  /** The operator's import, once the related partners see it. */
  const importAgreement = async (customerId: string, endDate: string, subscriptions: EaSubscriptionInput[], extra: Record<string, unknown> = {}) => {
    const imported = await postAgreement(customerId, endDate, subscriptions, extra);
    await settle();
    return imported;
  };

  const customerOf = (partner: Partner): Promise<string> => world.customer(partner);

  /** Gives `partner` a relationship with the customer (request accepted by the customer's admin) and runs its import. */
  const relate = async (partner: Partner, customerId: string) => {
    const request = await world.call('POST', '/v1/relationship-requests', world.as(partner, 'account-admin'), { customerId });
    expect(request.status).toBe(201);
    expect((await world.call('POST', `/v1/relationship-requests/${request.body.token}/accept`, world.adminOf(customerId))).status).toBeLessThan(300);
    await world.attest(partner, customerId);
  };

  const agreementsUrl = (customerId: string) => `/v1/customers/${customerId}/ea-agreements`;
  const subscriptionsUrl = (customerId: string, agreementId: string) => `${agreementsUrl(customerId)}/${agreementId}/subscriptions`;
  const renewalUrl = (customerId: string, agreementId: string, eaSubscriptionId: string) => `${subscriptionsUrl(customerId, agreementId)}/${eaSubscriptionId}/csp-renewal`;
  const renewalBody = (overrides: Record<string, unknown> = {}) => ({ termDuration: 'P1Y', billingCycle: 'monthly', quantity: 10, ...overrides });
  const streamTypes = async (stream: string) => (await world.streamEvents(stream)).map((event) => event.type);

  it('R-EA-1 R-EA-14: the operator imports EA agreements; the same import twice writes nothing; EA data is never altered', async () => {
    const customerId = await customerOf(partnerA);
    const body = { agreementNumber: agreementNumber(), customerId, startDate: '2022-04-01', endDate: '2025-03-31', extendedTerm: false, subscriptions: [EA.e3('2025-03-31')] };
    expect((await world.call('POST', '/v1/ea/agreements', adminOf(partnerA), body)).status).toBe(403);

    const created = await world.call('POST', '/v1/ea/agreements', OPERATOR, body);
    expect(created.status).toBe(201);
    await settle();
    expect(created.body).toMatchObject({
      result: 'created',
      agreement: { id: eaAgreementIdOf(body.agreementNumber), agreementNumber: body.agreementNumber, customerId, endDate: '2025-03-31', extendedTerm: false, eligible: true, status: 'active' },
      subscriptions: body.subscriptions,
    });
    const events = await world.eventCount();
    const again = await world.call('POST', '/v1/ea/agreements', OPERATOR, body);
    expect(again).toMatchObject({ status: 200, body: { result: 'unchanged', agreement: { id: created.body.agreement.id } } });
    expect(await world.eventCount()).toBe(events);

    const altered = await world.call('POST', '/v1/ea/agreements', OPERATOR, { ...body, endDate: '2026-03-31' });
    expect(altered).toMatchObject({ status: 409, body: { code: 'ea-data-immutable' } });
    const reQuantified = await world.call('POST', '/v1/ea/agreements', OPERATOR, { ...body, subscriptions: [{ ...body.subscriptions[0], quantity: 99 }] });
    expect(reQuantified).toMatchObject({ status: 409, body: { code: 'ea-data-immutable' } });
    const malformed = await world.call('POST', '/v1/ea/agreements', OPERATOR, { ...body, subscriptions: [{ ...body.subscriptions[0], quantity: 0 }] });
    expect(malformed).toMatchObject({ status: 400, body: { code: 'validation-failed' } });
    expect(await world.eventCount()).toBe(events);

    const added = await world.call('POST', '/v1/ea/agreements', OPERATOR, { ...body, subscriptions: [...body.subscriptions, EA.e5('2025-03-31')] });
    expect(added).toMatchObject({ status: 201, body: { result: 'subscriptions-added' } });
    expect(added.body.subscriptions).toHaveLength(2);
    expect(added.body.subscriptions[0]).toEqual(body.subscriptions[0]);
  });

  it('every EA endpoint is in the OpenAPI document (Partner Center has no API for this)', async () => {
    const json = await app.http.inject({ method: 'GET', url: '/docs-json' });
    expect(json.statusCode).toBe(200);
    const document = json.json() as { paths: Record<string, Record<string, { responses: Record<string, unknown> }>> };
    const base = '/v1/customers/{customerId}/ea-agreements';
    expect(Object.keys(document.paths['/v1/ea/agreements'])).toEqual(['post']);
    expect(Object.keys(document.paths[base])).toEqual(['get']);
    expect(Object.keys(document.paths[`${base}/{agreementId}/subscriptions`])).toEqual(['get']);
    expect(Object.keys(document.paths[`${base}/{agreementId}/subscriptions/{eaSubscriptionId}/csp-renewal`]).sort()).toEqual(['delete', 'get', 'put']);
    expect(Object.keys(document.paths['/v1/activity-log'])).toEqual(['get']);
    expect(Object.keys(document.paths[`${base}/{agreementId}/subscriptions/{eaSubscriptionId}/csp-renewal`].put.responses).sort()).toEqual(['200', '404', '409', '422']);
  });

  it('R-EA-15 R-ROLE-5 R-TENANT-1: a newly related partner sees the agreements only after the import job for its relationship ran; admin agents only', async () => {
    const imports = app.running.app.get(EaPartnerImports);
    const timers = app.running.app.get(TimerService);
    const importRows = async (customerId: string) =>
      (await timers.due(new Date('2100-01-01T00:00:00.000Z'), 1000)).filter((row) => row.kind === EA_TIMER_KINDS.partnerImport && row.payload.customerId === customerId);
    await timers.queue().pause();
    let customerId: string;
    let agreementId: string;
    try {
      customerId = await world.customer(partnerA);
      // A customer without EA data costs no import at all.
      await world.catchUp();
      expect(await importRows(customerId)).toEqual([]);
      // The operator's import asks for the import of the partners related now: a job each.
      ({ id: agreementId } = await postAgreement(customerId, '2025-03-31', [EA.e3('2025-03-31')]));
      await world.catchUp();
      expect((await importRows(customerId)).map((row) => row.payload.partnerTenantId)).toEqual([partnerA.id]);
      // The job has not run yet: nothing to see.
      expect(await world.call('GET', agreementsUrl(customerId), adminOf(partnerA))).toMatchObject({ status: 200, body: { items: [] } });
      expect((await world.call('GET', subscriptionsUrl(customerId, agreementId), adminOf(partnerA))).status).toBe(404);
    } finally {
      await timers.queue().resume();
    }
    const fired = await settle();
    // Partner A's import ran once: in this clock move, or just before it when the background sweep
    // (every second) queued the job while the queue was paused. Either way its row is gone and the
    // grant is in the stream once.
    const importsFired = fired.filter((timer) => timer.kind === EA_TIMER_KINDS.partnerImport).map((timer) => timer.timerId);
    expect(importsFired.length).toBeLessThanOrEqual(1);
    expect(importsFired.every((timerId) => timerId.includes(partnerA.id))).toBe(true);
    expect(await importRows(customerId)).toEqual([]);
    expect(await streamTypes(`ea_customer_access-${customerId}`)).toEqual(['EaPartnerImportsRequested', 'EaPartnerAccessGranted']);
    const listed = await world.call('GET', agreementsUrl(customerId), adminOf(partnerA));
    expect(listed.body.items.map((a: { id: string }) => a.id)).toEqual([agreementId]);

    // R-ROLE-5: admin agents only.
    for (const role of ['sales-agent', 'global-admin', 'account-admin'] as const) {
      expect((await world.call('GET', agreementsUrl(customerId), world.as(partnerA, role))).status).toBe(403);
    }
    expect((await world.call('PUT', renewalUrl(customerId, agreementId, 'x'), world.as(partnerA, 'global-admin'), renewalBody())).status).toBe(403);
    // R-TENANT-1: a partner without a relationship learns nothing.
    expect((await world.call('GET', agreementsUrl(customerId), adminOf(partnerB))).status).toBe(404);

    // Partner B's relationship is new: the workers' sweep asks for its import, which runs later.
    await timers.queue().pause();
    try {
      await relate(partnerB, customerId);
      // (A worker's sweep may have asked already; asking again changes nothing.)
      await imports.requestPending();
      await world.catchUp();
      expect(await imports.pending()).toEqual([]);
      expect((await importRows(customerId)).map((row) => row.payload.partnerTenantId)).toEqual([partnerB.id]);
      expect((await world.call('GET', agreementsUrl(customerId), adminOf(partnerB))).body.items).toEqual([]);
    } finally {
      await timers.queue().resume();
    }
    await settle();
    expect((await world.call('GET', agreementsUrl(customerId), adminOf(partnerB))).body.items.map((a: { id: string }) => a.id)).toEqual([agreementId]);
  });

  it('R-EA-2: expired within the last 90 days (day 90 shown, day 91 not) or expiring within the next 6 months', async () => {
    const customerId = await customerOf(partnerA);
    const { id: agreementId } = await importAgreement(customerId, '2025-03-31', [EA.e3('2025-03-31')]);
    const { id: farAway } = await importAgreement(customerId, '2027-03-31', [EA.e3('2027-03-31')]);
    await world.catchUp();
    const shown = async (instant: string) => {
      world.setClock(instant);
      const list = await world.call('GET', agreementsUrl(customerId), adminOf(partnerA));
      const one = await world.call('GET', `${agreementsUrl(customerId)}/${agreementId}`, adminOf(partnerA));
      const ids = list.body.items.map((a: { id: string }) => a.id);
      expect(one.status).toBe(ids.includes(agreementId) ? 200 : 404);
      expect(ids).not.toContain(farAway);
      return ids.includes(agreementId);
    };
    try {
      expect(await shown('2024-09-30T23:59:59.000Z')).toBe(false);
      expect(await shown('2024-10-01T00:00:00.000Z')).toBe(true);
      expect(await shown('2025-06-29T23:59:59.000Z')).toBe(true);
      expect(await shown('2025-06-30T00:00:00.000Z')).toBe(false);
      // The operator sees every agreement.
      const all = await world.call('GET', agreementsUrl(customerId), OPERATOR);
      expect(all.body.items.map((a: { id: string }) => a.id).sort()).toEqual([agreementId, farAway].sort());
    } finally {
      world.setClock('2025-02-10T09:00:00.000Z');
    }
    const expiredView = await world.call('GET', `${agreementsUrl(customerId)}/${agreementId}`, adminOf(partnerA));
    expect(expiredView.body).toMatchObject({ status: 'active', eligible: true });
  });

  it('R-EA-3 R-EA-4 R-EA-5 R-EA-6: eligibility per agreement and CSP availability per EA subscription', async () => {
    const customerId = await customerOf(partnerA);
    const subs = [EA.e3('2025-03-31'), EA.e5('2025-03-31'), EA.government('2025-03-31'), EA.noEquivalent('2025-03-31')];
    const { id: agreementId } = await importAgreement(customerId, '2025-03-31', subs);
    const { id: eptId } = await importAgreement(customerId, '2025-03-31', [EA.e5('2025-03-31')], { extendedTerm: true });
    await world.catchUp();

    const agreements = await world.call('GET', agreementsUrl(customerId), adminOf(partnerA));
    expect(agreements.body.items).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ id: agreementId, eligible: true }),
        expect.objectContaining({ id: eptId, extendedTerm: true, eligible: false, ineligibleReason: 'extended-term' }),
      ]),
    );
    const listed = await world.call('GET', subscriptionsUrl(customerId, agreementId), adminOf(partnerA));
    expect(listed.status).toBe(200);
    const availability = Object.fromEntries(listed.body.items.map((s: { id: string; cspAvailability: unknown }) => [s.id, s.cspAvailability]));
    expect(availability[subs[0].id]).toMatchObject({ available: true, catalogItemId: 'CFQ7TTC0LFLZ:0001:CFQ7TTC0H2B4', saleStatus: 'end-of-sale' });
    expect(availability[subs[0].id].offers.map((o: { termDuration: string }) => o.termDuration)).toEqual(['P1M', 'P1Y', 'P3Y']);
    expect(availability[subs[1].id]).toMatchObject({ available: true, catalogItemId: 'CFQ7TTC0LFK5:0002:CFQ7TTC0LPXG', saleStatus: 'available' });
    expect(availability[subs[2].id]).toEqual({ available: false, reason: 'not-commercial' });
    expect(availability[subs[3].id]).toEqual({ available: false, reason: 'no-equivalent-sku' });
    expect(listed.body.items[0]).toMatchObject({ agreementId, productName: 'Microsoft 365 E3', provisioningId: 'Microsoft_365_E3', quantity: 10, endDate: '2025-03-31', cspRenewal: null });

    const events = await world.eventCount();
    const refusals = [
      [renewalUrl(customerId, agreementId, subs[2].id), 'not-commercial'],
      [renewalUrl(customerId, agreementId, subs[3].id), 'no-equivalent-sku'],
    ];
    for (const [url, reason] of refusals) {
      expect(await world.call('PUT', url, adminOf(partnerA), renewalBody())).toMatchObject({ status: 422, body: { code: 'ea-not-eligible', details: { reason } } });
    }
    const [eptSub] = (await world.call('GET', subscriptionsUrl(customerId, eptId), adminOf(partnerA))).body.items;
    expect(eptSub.cspAvailability).toEqual({ available: false, reason: 'extended-term' });
    const ept = await world.call('PUT', renewalUrl(customerId, eptId, eptSub.id), adminOf(partnerA), renewalBody());
    expect(ept).toMatchObject({ status: 422, body: { code: 'ea-not-eligible', details: { reason: 'extended-term' } } });
    expect(await world.eventCount()).toBe(events);

    // R-EA-6: the end-of-sale SKU cannot be bought from the catalog, but can be scheduled here.
    const catalog = await world.checkout(partnerA, customerId, [{ catalogItemId: 'CFQ7TTC0LFLZ:0001:CFQ7TTC0H2B4', quantity: 1, termDuration: 'P1Y', billingCycle: 'monthly' }]);
    expect(catalog).toMatchObject({ status: 422, body: { code: 'sku-end-of-sale' } });
    const scheduled = await world.call('PUT', renewalUrl(customerId, agreementId, subs[0].id), adminOf(partnerA), renewalBody());
    expect(scheduled).toMatchObject({ status: 200, body: { status: 'scheduled', catalogItemId: 'CFQ7TTC0LFLZ:0001:CFQ7TTC0H2B4' } });
    expect((await world.call('DELETE', renewalUrl(customerId, agreementId, subs[0].id), adminOf(partnerA))).status).toBe(204);
  });

  it('R-EA-7 R-EA-8: two partners at once: exactly one wins; the schedule is edited, resubmitted, cancelled, and cancelling frees it', async () => {
    const customerId = await customerOf(partnerA);
    await relate(partnerB, customerId);
    await settle();
    const sub = EA.e5('2025-03-31');
    const { id: agreementId } = await importAgreement(customerId, '2025-03-31', [sub]);
    const url = renewalUrl(customerId, agreementId, sub.id);

    const [a, b] = await Promise.all([
      world.call('PUT', url, adminOf(partnerA), renewalBody({ quantity: 25 })),
      world.call('PUT', url, adminOf(partnerB), renewalBody({ quantity: 20 })),
    ]);
    const statuses = [a.status, b.status].sort();
    expect(statuses).toEqual([200, 422]);
    const [winner, loser] = a.status === 200 ? [partnerA, partnerB] : [partnerB, partnerA];
    const refused = a.status === 200 ? b : a;
    expect(refused.body).toMatchObject({ code: 'ea-renewal-held-by-another-partner' });
    expect(await streamTypes(eaRenewalStream(eaRenewalIdOf(agreementId, sub.id)))).toEqual(['EaRenewalScheduled']);

    // The loser sees it as scheduled by another partner, and cannot read or cancel the winner's schedule.
    const seen = await world.call('GET', subscriptionsUrl(customerId, agreementId), adminOf(loser));
    expect(seen.body.items[0]).toMatchObject({ cspAvailability: { available: false, reason: 'scheduled-by-another-partner' }, cspRenewal: null });
    expect((await world.call('GET', url, adminOf(loser))).status).toBe(404);
    expect((await world.call('DELETE', url, adminOf(loser))).status).toBe(404);

    // R-EA-7: the holder edits (a new revision), and the same values again change nothing.
    const edited = await world.call('PUT', url, adminOf(winner), renewalBody({ quantity: 30, billingCycle: 'annual' }));
    expect(edited).toMatchObject({ status: 200, body: { status: 'scheduled', quantity: 30, billingCycle: 'annual', revision: 2, processAfter: '2025-04-01T12:00:00.000Z', startDate: '2025-04-01' } });
    const count = await world.eventCount();
    expect((await world.call('PUT', url, adminOf(winner), renewalBody({ quantity: 30, billingCycle: 'annual' }))).body.revision).toBe(2);
    expect(await world.eventCount()).toBe(count);
    expect(await world.call('GET', url, adminOf(winner))).toMatchObject({ status: 200, body: { quantity: 30, revision: 2 } });
    const own = await world.call('GET', subscriptionsUrl(customerId, agreementId), adminOf(winner));
    expect(own.body.items[0]).toMatchObject({ cspAvailability: { available: true }, cspRenewal: { status: 'scheduled', quantity: 30 } });

    // R-EA-8: cancelling frees it for the other partner.
    expect((await world.call('DELETE', url, adminOf(winner))).status).toBe(204);
    expect((await world.call('GET', url, adminOf(winner))).status).toBe(404);
    const taken = await world.call('PUT', url, adminOf(loser), renewalBody({ quantity: 20 }));
    expect(taken).toMatchObject({ status: 200, body: { status: 'scheduled', quantity: 20, revision: 3 } });
    expect((await world.call('PUT', url, adminOf(winner), renewalBody())).body).toMatchObject({ code: 'ea-renewal-held-by-another-partner' });
    expect((await world.call('DELETE', url, adminOf(loser))).status).toBe(204);
    expect(await streamTypes(eaRenewalStream(eaRenewalIdOf(agreementId, sub.id)))).toEqual([
      'EaRenewalScheduled',
      'EaRenewalScheduled',
      'EaRenewalCancelled',
      'EaRenewalScheduled',
      'EaRenewalCancelled',
    ]);
  });

  it('R-EA-7: bad input answers 400/404/422 with stable codes and writes nothing', async () => {
    const customerId = await customerOf(partnerA);
    const other = await customerOf(partnerA);
    const sub = EA.basic('2025-03-31');
    const { id: agreementId } = await importAgreement(customerId, '2025-03-31', [sub]);
    const { id: othersAgreement, body: othersBody } = await importAgreement(other, '2025-03-31', [EA.e5('2025-03-31')]);
    const events = await world.eventCount();
    const cases: Array<[string, object, number, string]> = [
      [renewalUrl(customerId, randomUUID(), sub.id), renewalBody(), 404, 'not-found'],
      // The other customer's agreement and EA subscription, asked under this customer.
      [renewalUrl(customerId, othersAgreement, othersBody.subscriptions[0].id), renewalBody(), 404, 'not-found'],
      [renewalUrl(customerId, agreementId, 'no-such-subscription'), renewalBody(), 404, 'not-found'],
      [renewalUrl(customerId, agreementId, sub.id), renewalBody({ quantity: 0 }), 400, 'validation-failed'],
      [renewalUrl(customerId, agreementId, sub.id), renewalBody({ termDuration: 'P3Y' }), 422, 'term-not-offered'],
      [renewalUrl(customerId, agreementId, sub.id), renewalBody({ termDuration: 'P1M', billingCycle: 'annual' }), 422, 'billing-plan-not-offered'],
      [renewalUrl(customerId, agreementId, sub.id), renewalBody({ quantity: 20_000 }), 422, 'quantity-above-maximum'],
      [renewalUrl(customerId, agreementId, sub.id), renewalBody({ customTermEndDate: '2025-12-15' }), 422, 'custom-term-end-date-not-allowed'],
      // R-EA-13: the SKU is the one with the same provisioning id; another SKU is not asked for here.
      [renewalUrl(customerId, agreementId, sub.id), renewalBody({ catalogItemId: 'CFQ7TTC0LFK5:0002:CFQ7TTC0LPXG' }), 400, 'validation-failed'],
    ];
    for (const [url, body, status, code] of cases) {
      const answer = await world.call('PUT', url, adminOf(partnerA), body);
      expect({ url, status: answer.status, code: answer.body.code }).toEqual({ url, status, code });
      expect(answer.type).toContain('application/problem+json');
    }
    expect((await world.call('GET', subscriptionsUrl(customerId, othersAgreement), adminOf(partnerA))).status).toBe(404);
    expect((await world.call('DELETE', renewalUrl(customerId, agreementId, sub.id), adminOf(partnerA))).status).toBe(404);
    expect(await world.eventCount()).toBe(events);
  });

  it('R-EA-9 R-EA-10: the processing job delivered twice (or twice at once) gives one order, one subscription, one event', async () => {
    const customerId = await customerOf(partnerA);
    const sub = EA.e5('2025-02-28', 4);
    const { id: agreementId } = await importAgreement(customerId, '2025-02-28', [sub]);
    const scheduled = await world.call('PUT', renewalUrl(customerId, agreementId, sub.id), adminOf(partnerA), renewalBody({ quantity: 4 }));
    expect(scheduled.body.processAfter).toBe('2025-03-01T12:00:00.000Z');
    await world.catchUp();
    const renewalId = eaRenewalIdOf(agreementId, sub.id);
    const [row] = await app.running.app.get(TimerService).find([renewalTimerId(renewalId)]);
    expect(row).toMatchObject({ kind: EA_TIMER_KINDS.processRenewal, dueAt: new Date('2025-03-01T12:00:00.000Z') });

    const timers = app.running.app.get(TimerService);
    const processing = new EaRenewalProcessing(app.running.app.get<EventStore>(EVENT_STORE), app.running.app.get(Clock));
    await timers.queue().pause();
    try {
      world.setClock('2025-03-01T11:59:59.000Z');
      expect(await processing.process(renewalId, row.dueAt, { occurrenceId: 'early', attempt: 1 })).toBe('not-processable');
      world.setClock('2025-03-01T12:00:00.000Z');
      const outcomes = await Promise.all([
        processing.process(renewalId, row.dueAt, { occurrenceId: 'one', attempt: 1 }),
        processing.process(renewalId, row.dueAt, { occurrenceId: 'two', attempt: 1 }),
      ]);
      expect(outcomes).toContain('completed');
      expect(await processing.process(renewalId, row.dueAt, { occurrenceId: 'one', attempt: 2 })).toBe('not-processable');
      // And through the queue: the same job again.
      const data = { timers: [{ timerId: row.timerId, kind: row.kind, dueAt: row.dueAt.toISOString(), payload: row.payload, streamName: row.streamName }] };
      await timers.queue().add(row.kind, data, { jobId: timerBatchJobId(row.kind, data.timers), removeOnComplete: true });
    } finally {
      await timers.queue().resume();
    }
    await settle();

    const renewal = await world.call('GET', renewalUrl(customerId, agreementId, sub.id), adminOf(partnerA));
    expect(renewal.body).toMatchObject({ status: 'completed' });
    const { subscriptionId, orderId } = renewal.body;
    expect(await streamTypes(eaRenewalStream(renewalId))).toEqual(['EaRenewalScheduled', 'EaRenewalProcessingStarted', 'EaRenewalCompleted']);
    expect(await streamTypes(`order-${orderId}`)).toEqual(['OrderPlaced']);
    expect(await streamTypes(`subscription-${subscriptionId}`)).toEqual(['SubscriptionPurchased', 'SubscriptionMigratedFromEA']);
    const migrations = await sql<{ n: string }>`
      select count(*) as n from events where type = 'SubscriptionMigratedFromEA' and data->>'renewalId' = ${renewalId}`.execute(app.db.db);
    expect(Number(migrations.rows[0].n)).toBe(1);
    await world.catchUp();
    const orders = await world.call('GET', `/v1/customers/${customerId}/orders`, world.as(partnerA));
    expect(orders.body.items).toHaveLength(1);
    const subscriptions = await world.call('GET', `/v1/customers/${customerId}/subscriptions`, world.as(partnerA));
    expect(subscriptions.body.items.map((s: { id: string }) => s.id)).toEqual([subscriptionId]);
  });

  it('R-EA-9 R-EA-10 R-EA-11 R-EA-12 R-EA-13: processed from 12:00 UTC on the day after the EA end date; a CSP subscription from the next day, its order, migration event and activity-log entry', async () => {
    const customerId = await customerOf(partnerA);
    const e3 = EA.e3('2025-03-31', 10);
    const e5 = EA.e5('2025-03-31', 25);
    const { id: agreementId, body: agreement } = await importAgreement(customerId, '2025-03-31', [e3, e5]);
    const e3Url = renewalUrl(customerId, agreementId, e3.id);
    const e5Url = renewalUrl(customerId, agreementId, e5.id);
    const receiver = await new LoopbackReceiver().start();
    const hook = await world.call('POST', '/v1/webhooks', world.as(partnerA, 'global-admin'), {
      url: receiver.url(),
      eventTypes: ['subscription.migrated-from-ea', 'ea-renewal.scheduled'],
    });
    expect(hook.status).toBe(201);
    expect((await world.call('PUT', e3Url, adminOf(partnerA), renewalBody({ quantity: 10 }))).body).toMatchObject({ status: 'scheduled', processAfter: '2025-04-01T12:00:00.000Z' });
    expect((await world.call('PUT', e5Url, adminOf(partnerA), renewalBody({ quantity: 25, billingCycle: 'annual' }))).body).toMatchObject({ status: 'scheduled' });

    // Never while the EA subscription runs, nor before 12:00 UTC the next day.
    expect((await moveTo('2025-03-31T23:59:59.000Z')).filter((t) => t.kind === EA_TIMER_KINDS.processRenewal)).toEqual([]);
    expect((await moveTo('2025-04-01T11:59:59.000Z')).filter((t) => t.kind === EA_TIMER_KINDS.processRenewal)).toEqual([]);
    expect((await world.call('GET', e3Url, adminOf(partnerA))).body).toMatchObject({ status: 'scheduled' });
    const fired = await moveTo('2025-04-01T12:00:00.000Z');
    expect(fired.filter((t) => t.kind === EA_TIMER_KINDS.processRenewal).map((t) => t.dueAt)).toEqual(['2025-04-01T12:00:00.000Z', '2025-04-01T12:00:00.000Z']);

    const e3Renewal = (await world.call('GET', e3Url, adminOf(partnerA))).body;
    const e5Renewal = (await world.call('GET', e5Url, adminOf(partnerA))).body;
    expect(e3Renewal).toMatchObject({ status: 'completed', subscriptionId: expect.any(String), orderId: expect.any(String), startDate: '2025-04-01' });
    const subscriptionUrl = (id: string) => world.subscriptionUrl(customerId, id);
    const e3Sub = (await world.call('GET', subscriptionUrl(e3Renewal.subscriptionId), world.as(partnerA))).body;
    expect(e3Sub).toMatchObject({
      offerId: 'CFQ7TTC0LFLZ:0001:CFQ7TTC0H2B4',
      status: 'active',
      quantity: 10,
      effectiveStartDate: '2025-04-01',
      commitmentEndDate: '2026-03-31',
      autoRenewEnabled: true,
      orderId: e3Renewal.orderId,
      migratedFrom: { agreementId, agreementNumber: agreement.agreementNumber, eaSubscriptionId: e3.id },
      partnerOfRecordMissing: false,
      // R-CANCEL-1: the 7-day window runs from the creation at 12:00.
      refundOptions: [
        { type: 'Full', expiresAt: '2025-04-02T12:00:00.000Z' },
        { type: 'Partial', expiresAt: '2025-04-08T12:00:00.000Z' },
      ],
    });
    // R-EA-12: the promotion available then applies (E5 (no Teams), P1Y, 15 %); the February list prices it.
    const e5Sub = (await world.call('GET', subscriptionUrl(e5Renewal.subscriptionId), world.as(partnerA))).body;
    expect(e5Sub).toMatchObject({ quantity: 25, billingCycle: 'annual', promotionId: 'NCE-M365E5-ANNUAL-15', discountPercent: 15, unitPrice: { amount: '636.11', currency: 'EUR' } });
    expect(await streamTypes(`subscription-${e3Renewal.subscriptionId}`)).toEqual(['SubscriptionPurchased', 'SubscriptionMigratedFromEA']);

    // R-EA-11 R-HOOK-1: a migration webhook event per new subscription (besides the schedules').
    const received = async () => [...receiver.acceptedById().values()].map((request) => JSON.parse(request.body) as { type: string; resourceUri: string; data: { agreementId: string } });
    const deadline = Date.now() + 20_000;
    while ((await received()).filter((m) => m.type === 'subscription.migrated-from-ea').length < 2 && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 50));
    await receiver.close();
    const messages = await received();
    expect(messages.filter((m) => m.type === 'subscription.migrated-from-ea').map((m) => m.resourceUri).sort()).toEqual(
      [e3Renewal.subscriptionId, e5Renewal.subscriptionId].map((id) => world.subscriptionUrl(customerId, id)).sort(),
    );
    expect(messages.filter((m) => m.type === 'ea-renewal.scheduled').every((m) => m.data.agreementId === agreementId)).toBe(true);
    expect((await world.call('DELETE', `/v1/webhooks/${hook.body.id}`, world.as(partnerA, 'global-admin'))).status).toBeLessThan(300);

    // R-EA-11: the order in the order history, and the migration in the activity log.
    await world.catchUp();
    const orders = await world.call('GET', `/v1/customers/${customerId}/orders`, world.as(partnerA));
    expect(orders.body.items).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ id: e3Renewal.orderId, creationDate: '2025-04-01T12:00:00.000Z', lineItems: [expect.objectContaining({ subscriptionId: e3Renewal.subscriptionId, transactionType: 'migration', quantity: 10 })] }),
      ]),
    );
    const log = await world.call('GET', '/v1/activity-log?operationType=migration&startDate=2025-04-01&endDate=2025-04-01', adminOf(partnerA));
    expect(log.status).toBe(200);
    const entries = log.body.items.filter((entry: { customerId: string }) => entry.customerId === customerId);
    expect(entries).toHaveLength(2);
    expect(entries.find((entry: { resourceId: string }) => entry.resourceId === e3Renewal.subscriptionId)).toMatchObject({
      operationType: 'migration',
      occurredAt: '2025-04-01T12:00:00.000Z',
      partnerTenantId: partnerA.id,
      userId: `admin-agent-of-${partnerA.id}`,
      resourceType: 'subscription',
      details: { agreementNumber: agreement.agreementNumber, eaSubscriptionId: e3.id, orderId: e3Renewal.orderId },
    });
    expect((await world.call('GET', '/v1/activity-log?operationType=migration&startDate=2025-04-02', adminOf(partnerA))).body.items).toEqual([]);
    expect((await world.call('GET', '/v1/activity-log?operationType=migration', adminOf(partnerB))).body.items).toEqual([]);

    // R-EA-10: the renewal cannot be undone ...
    expect(await world.call('DELETE', e3Url, adminOf(partnerA))).toMatchObject({ status: 409, body: { code: 'ea-renewal-already-processed' } });
    expect(await world.call('PUT', e3Url, adminOf(partnerA), renewalBody())).toMatchObject({ status: 409, body: { code: 'ea-renewal-already-processed' } });
    const listed = await world.call('GET', subscriptionsUrl(customerId, agreementId), adminOf(partnerA));
    expect(listed.body.items[0]).toMatchObject({ cspAvailability: { available: false, reason: 'already-renewed' }, cspRenewal: { status: 'completed' } });
    // ... but the new subscription is cancelled like any other within its window.
    world.setClock('2025-04-01T18:00:00.000Z');
    const cancelled = await world.call('POST', `${subscriptionUrl(e5Renewal.subscriptionId)}/cancel`, world.as(partnerA));
    expect(cancelled).toMatchObject({ status: 200, body: { status: 'deleted' } });
    expect((await world.call('GET', e5Url, adminOf(partnerA))).body.status).toBe('completed');

    // R-EA-13: the SKU is upgraded only after the as-is renewal, through the usual path.
    const upgraded = await world.call('POST', `${subscriptionUrl(e3Renewal.subscriptionId)}/transitions`, world.as(partnerA), { toCatalogItemId: 'CFQ7TTC0LFK5:0002:CFQ7TTC0LPXG', quantity: 10 });
    expect(upgraded.status).toBe(201);
    expect((await world.call('GET', subscriptionUrl(e3Renewal.subscriptionId), world.as(partnerA))).body).toMatchObject({ skuId: '0002', productId: 'CFQ7TTC0LFK5', migratedFrom: { eaSubscriptionId: e3.id } });
  });

  it('R-EA-9 R-EA-10: scheduled after the EA expired: processed from 12:00 UTC on the day after the submission, starting the day after the EA end date', async () => {
    await moveTo('2025-04-02T10:00:00.000Z');
    const customerId = await customerOf(partnerA);
    const sub = EA.e5('2025-03-15', 8);
    const { id: agreementId } = await importAgreement(customerId, '2025-03-15', [sub]);
    const url = renewalUrl(customerId, agreementId, sub.id);
    const scheduled = await world.call('PUT', url, adminOf(partnerA), renewalBody({ quantity: 8 }));
    expect(scheduled.body).toMatchObject({ status: 'scheduled', processAfter: '2025-04-03T12:00:00.000Z', startDate: '2025-03-16' });

    await moveTo('2025-04-03T11:59:59.000Z');
    expect((await world.call('GET', url, adminOf(partnerA))).body.status).toBe('scheduled');
    await moveTo('2025-04-03T12:00:00.000Z');
    const done = (await world.call('GET', url, adminOf(partnerA))).body;
    expect(done.status).toBe('completed');
    const read = (await world.call('GET', world.subscriptionUrl(customerId, done.subscriptionId), world.as(partnerA))).body;
    expect(read).toMatchObject({ effectiveStartDate: '2025-03-16', commitmentEndDate: '2026-03-15', cancellationAllowedUntil: '2025-04-10T12:00:00.000Z' });
  });

  it('R-IND-6: an indirect provider\'s renewal is flagged until it sets the partner of record', async () => {
    const provider = await world.onboard('indirect-provider');
    const reseller = await world.onboard('indirect-reseller');
    const customerId = await world.customer(provider, { indirectResellerPartnerId: reseller.partnerId });
    await settle();
    const sub = EA.e5('2025-04-30', 5);
    const { id: agreementId } = await importAgreement(customerId, '2025-04-30', [sub]);
    const url = renewalUrl(customerId, agreementId, sub.id);
    // The reseller sees the customer's agreements but schedules nothing: its provider does.
    await world.catchUp();
    expect((await world.call('GET', agreementsUrl(customerId), adminOf(reseller))).body.items).toHaveLength(1);
    expect(await world.call('PUT', url, adminOf(reseller), renewalBody({ quantity: 5 }))).toMatchObject({ status: 422, body: { code: 'indirect-reseller-cannot-purchase' } });
    expect((await world.call('PUT', url, adminOf(provider), renewalBody({ quantity: 5 }))).status).toBe(200);
    await moveTo('2025-05-01T12:00:00.000Z');
    const { subscriptionId } = (await world.call('GET', url, adminOf(provider))).body;
    const read = await world.call('GET', world.subscriptionUrl(customerId, subscriptionId), world.as(provider));
    expect(read.body).toMatchObject({ partnerOfRecordMissing: true, partnerId: null, migratedFrom: { eaSubscriptionId: sub.id } });
    const set = await world.call('PATCH', world.subscriptionUrl(customerId, subscriptionId), world.as(provider), { partnerId: reseller.partnerId });
    expect(set).toMatchObject({ status: 200, body: { partnerOfRecordMissing: false, partnerId: reseller.partnerId } });
  });

  it('R-EA-9 R-EA-12: a renewal that cannot be priced when it is processed fails with the reason; its partner may resubmit or cancel', async () => {
    const partnerFr = await world.onboard('direct', 'FR', 'EUR');
    const created = await world.call('POST', '/v1/customers', world.as(partnerFr, 'global-admin'), {
      companyName: 'Fabrikam SARL',
      country: 'FR',
      domain: `fabrikam-${randomUUID().slice(0, 8)}.onmicrosoft.com`,
      contact: { firstName: 'Jean', lastName: 'Dupont', email: 'jean@fabrikam.example' },
    });
    expect(created.status).toBe(201);
    const customerId = created.body.id;
    await world.attest(partnerFr, customerId);
    await settle();
    const sub = EA.e5('2025-05-31', 6);
    const { id: agreementId } = await importAgreement(customerId, '2025-05-31', [sub]);
    const url = renewalUrl(customerId, agreementId, sub.id);
    expect((await world.call('PUT', url, adminOf(partnerFr), renewalBody({ quantity: 6 }))).status).toBe(200);
    // The FR list in force from June no longer prices the SKU.
    const list = await world.call('POST', '/v1/price-lists', OPERATOR, {
      market: 'FR',
      currency: 'EUR',
      effectiveFrom: '2025-06-01',
      items: [{ catalogItemId: 'CFQ7TTC0LH18:0001:CFQ7TTC0J58C', billingCycle: 'monthly', unitPrice: '6.00' }],
    });
    expect(list.status).toBe(201);

    await moveTo('2025-06-01T12:00:00.000Z');
    const failed = await world.call('GET', url, adminOf(partnerFr));
    expect(failed.body).toMatchObject({ status: 'failed', failureReason: { code: 'no-price', message: expect.stringContaining('2025-06-01') } });
    expect(failed.body.subscriptionId).toBeUndefined();
    const renewalId = eaRenewalIdOf(agreementId, sub.id);
    expect(await streamTypes(eaRenewalStream(renewalId))).toEqual(['EaRenewalScheduled', 'EaRenewalProcessingStarted', 'EaRenewalFailed']);
    expect(await app.running.app.get(TimerService).find([renewalTimerId(renewalId)])).toEqual([]);
    const resubmitted = await world.call('PUT', url, adminOf(partnerFr), renewalBody({ quantity: 6 }));
    expect(resubmitted.body).toMatchObject({ status: 'scheduled', revision: 2, processAfter: '2025-06-02T12:00:00.000Z' });
    expect((await world.call('DELETE', url, adminOf(partnerFr))).status).toBe(204);
  });

  it('R-AUDIT-1: the EA read models and due timers rebuilt from the events alone are identical to the live ones', async () => {
    await world.catchUp();
    const names = ['ea_agreements_v1', 'ea_partner_access_v1', 'activity_log_v1', 'due_timers_v1'];
    const projections = instantiateProjections(ALL_PROJECTIONS).filter((projection) => names.includes(projection.name));
    const results = await verifyProjections(app.db, new PostgresEventStore(app.db.pool), projections, { batchSize: 100 });
    expect(results.map((r) => [r.projection, r.identical])).toEqual(projections.map((p) => [p.name, true]));
    expect(results.find((r) => r.projection === 'activity_log_v1')?.rows).toBeGreaterThanOrEqual(5);
  });
});
