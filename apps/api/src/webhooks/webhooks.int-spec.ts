import { sql } from 'kysely';
import { Webhook } from 'standardwebhooks';
import type { RecordedEvent } from '../../../../libs/core/src';
import { PostgresEventStore } from '../../../../libs/event-store/src/postgres/postgres-event-store';
import { EVENT_MAP } from '../../../../libs/webhooks/src/event-map';
import { WEBHOOK_EVENT_TYPE_NAMES } from '../../../../libs/webhooks/src/domain/webhook-event-types';
import { LoopbackReceiver, type ReceivedRequest } from '../../../../libs/webhooks/src/testing/loopback-receiver';
import { WebhookSettingsOverrideModule } from '../../../../libs/webhooks/src/testing/webhook-settings-override.module';
import { startTestApp, type TestApp } from '../../../../test/support/app';
import { ITEMS, line, OPERATOR, World, type Partner } from '../subscriptions/testing/world';

const T0 = '2025-01-15T10:00:00.000Z';
const MAX_ATTEMPTS = 5;

/** Waits for asynchronous delivery (real time: retries are transport time, not business time). */
async function eventually<T>(probe: () => Promise<T | undefined | false>, timeoutMs = 20_000, what = 'condition'): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined && value !== false) return value as T;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

describe('webhooks API and deliveries', () => {
  let app: TestApp;
  let world: World;
  let partnerA: Partner;
  let partnerB: Partner;
  const receivers: LoopbackReceiver[] = [];

  const receiver = async () => {
    const created = await new LoopbackReceiver().start();
    receivers.push(created);
    return created;
  };

  beforeAll(async () => {
    app = await startTestApp({
      imports: [
        WebhookSettingsOverrideModule.with({
          retry: { maxAttempts: MAX_ATTEMPTS, baseMs: 100 },
          sweepEveryMs: 100,
          timeoutMs: 2000,
          enqueueLeaseMs: 3000,
          inFlightMarginMs: 500,
          stalledIntervalMs: 2000,
        }),
      ],
    });
    world = new World(app);
    world.setClock(T0);
    await world.catchUp();
    partnerA = await world.onboard('direct');
    partnerB = await world.onboard('direct');
  });
  afterAll(async () => {
    await app?.close();
    for (const r of receivers) await r.close();
  });

  const admin = (partner: Partner) => world.as(partner, 'global-admin');

  async function register(partner: Partner, url: string, eventTypes: string[] = [...WEBHOOK_EVENT_TYPE_NAMES]) {
    const created = await world.call('POST', '/v1/webhooks', admin(partner), { url, eventTypes, description: 'test' });
    expect(created.status).toBe(201);
    return created.body as { id: string; secret: string; status: string };
  }

  async function deliveries(partner: Partner, webhookId: string, query = '') {
    const listed = await world.call('GET', `/v1/webhooks/${webhookId}/deliveries?limit=500${query}`, admin(partner));
    expect(listed.status).toBe(200);
    return listed.body.items as Array<{ id: string; messageId: string; eventType: string; status: string; attempts: number; lastStatusCode: number | null }>;
  }

  function verifyAll(requests: ReceivedRequest[], ...secrets: string[]): void {
    for (const request of requests) {
      const headers = {
        'webhook-id': String(request.headers['webhook-id']),
        'webhook-timestamp': String(request.headers['webhook-timestamp']),
        'webhook-signature': String(request.headers['webhook-signature']),
      };
      for (const secret of secrets) {
        const payload = new Webhook(secret).verify(request.body, headers) as { id: string };
        expect(payload.id).toBe(headers['webhook-id']);
      }
    }
  }

  async function eventsAfter(position: string | null): Promise<RecordedEvent[]> {
    const store = new PostgresEventStore(app.db.pool);
    return store.readAll(position, 10_000);
  }

  async function headPosition(): Promise<string | null> {
    const rows = await sql<{ p: string }>`select max(position)::text as p from events`.execute(app.db.db);
    const store = new PostgresEventStore(app.db.pool);
    return rows.rows[0].p === null ? null : store.headPosition();
  }

  describe('registration', () => {
    it('R-HOOK-1: bad input answers 400 with a stable code and writes nothing', async () => {
      const before = await world.eventCount();
      const cases: Array<[object, string]> = [
        [{ url: 'not a url', eventTypes: ['subscription.purchased'] }, 'webhook-url-invalid'],
        [{ url: 'ftp://files.example.com/hook', eventTypes: ['subscription.purchased'] }, 'webhook-url-scheme-not-allowed'],
        [{ url: 'http://hooks.example.com/hook', eventTypes: ['subscription.purchased'] }, 'webhook-url-https-required'],
        [{ url: 'https://hooks.example.com/hook', eventTypes: ['subscription.purchased', 'subscription.exploded'] }, 'unknown-event-type'],
        [{ url: 'https://hooks.example.com/hook', eventTypes: [] }, 'validation-failed'],
        [{ url: 'https://hooks.example.com/hook' }, 'validation-failed'],
      ];
      for (const [body, code] of cases) {
        const answer = await world.call('POST', '/v1/webhooks', admin(partnerA), body);
        expect({ status: answer.status, code: answer.body.code }).toEqual({ status: 400, code });
        expect(answer.type).toContain('application/problem+json');
      }
      expect((await world.call('POST', '/v1/webhooks', OPERATOR, { url: 'https://hooks.example.com/', eventTypes: ['invoice.ready'] })).status).toBe(403);
      expect((await world.call('POST', '/v1/webhooks', world.as(partnerA, 'sales-agent'), { url: 'https://hooks.example.com/', eventTypes: ['invoice.ready'] })).status).toBe(403);
      expect(await world.eventCount()).toBe(before);
    });

    it('lists the event types of the contract', async () => {
      const answer = await world.call('GET', '/v1/webhooks/event-types', world.as(partnerA, 'sales-agent'));
      expect(answer.status).toBe(200);
      const types = answer.body.items.map((item: { type: string }) => item.type);
      for (const type of ['subscription.purchased', 'subscription.migrated-from-ea', 'ea-renewal.failed', 'customer.relationship-accepted', 'invoice.ready']) {
        expect(types).toContain(type);
      }
    });

    it('R-HOOK-1: shows the secret once (whsec_), never in reads, replays or the audit log', async () => {
      const headers = { 'idempotency-key': `create-${Date.now()}` };
      const body = { url: 'https://hooks.example.com/a', eventTypes: ['subscription.purchased'], description: 'ERP' };
      const created = await world.call('POST', '/v1/webhooks', admin(partnerA), body, headers);
      expect(created.status).toBe(201);
      expect(created.body).toEqual({
        id: expect.stringMatching(/^[0-9a-f-]{36}$/),
        url: 'https://hooks.example.com/a',
        eventTypes: ['subscription.purchased'],
        description: 'ERP',
        status: 'active',
        createdAt: T0,
        secret: expect.stringMatching(/^whsec_[A-Za-z0-9+/]{43}=$/),
      });
      const secret: string = created.body.secret;
      const replay = await world.call('POST', '/v1/webhooks', admin(partnerA), body, headers);
      expect(replay.status).toBe(201);
      expect(replay.body.secret).toBeUndefined();
      const read = await world.call('GET', `/v1/webhooks/${created.body.id}`, admin(partnerA));
      expect(read.body).toEqual({ ...created.body, secret: undefined });
      const audit = await world.call('GET', `/v1/audit/streams/webhook-${created.body.id}`, admin(partnerA));
      expect(audit.status).toBe(200);
      expect(JSON.stringify(audit.body)).not.toContain(secret.slice(6));
      const stored = await sql<{ n: string }>`select count(*) as n from events where data::text like ${`%${secret.slice(6, 20)}%`}`.execute(app.db.db);
      expect(stored.rows[0].n).toBe('0');

      await world.catchUp();
      const list = await world.call('GET', '/v1/webhooks', admin(partnerA));
      expect(list.body.items.map((w: { id: string }) => w.id)).toContain(created.body.id);
      expect(JSON.stringify(list.body)).not.toContain('whsec_');
      // R-TENANT-1: another partner sees nothing of it.
      expect((await world.call('GET', `/v1/webhooks/${created.body.id}`, admin(partnerB))).status).toBe(404);
      expect((await world.call('GET', '/v1/webhooks', admin(partnerB))).body.items).toEqual([]);
      expect((await world.call('DELETE', `/v1/webhooks/${created.body.id}`, admin(partnerB))).status).toBe(404);

      expect((await world.call('DELETE', `/v1/webhooks/${created.body.id}`, admin(partnerA))).status).toBe(204);
      expect((await world.call('GET', `/v1/webhooks/${created.body.id}`, admin(partnerA))).status).toBe(404);
      expect((await world.call('DELETE', `/v1/webhooks/${created.body.id}`, admin(partnerA))).status).toBe(404);
    });
  });

  describe('deliveries', () => {
    it('R-HOOK-1 R-TENANT-1: every event of a scenario arrives signed, exactly once per webhook-id, after the receiver was down', async () => {
      const endpointA = await receiver();
      const endpointB = await receiver();
      // Down for the first two attempts of every message: once an error, once no answer at all.
      const seen = new Map<string, number>();
      endpointA.respond = ({ headers }) => {
        const id = String(headers['webhook-id']);
        const attempt = (seen.get(id) ?? 0) + 1;
        seen.set(id, attempt);
        return attempt === 1 ? 503 : attempt === 2 ? 0 : 200;
      };
      const hookA = await register(partnerA, endpointA.url());
      const hookB = await register(partnerB, endpointB.url());
      const start = await headPosition();

      // The scenario: a relationship request accepted, purchases, changes, a cancellation.
      const customerOfB = await world.customer(partnerB);
      const request = await world.call('POST', '/v1/relationship-requests', world.as(partnerA, 'global-admin'), { customerId: customerOfB });
      expect(request.status).toBe(201);
      const accepted = await world.call('POST', `/v1/relationship-requests/${encodeURIComponent(request.body.token)}/accept`, world.adminOf(customerOfB));
      expect(accepted.status).toBe(200);
      const customer = await world.customer(partnerA);
      const first = await world.buy(partnerA, customer);
      const second = await world.buy(partnerA, customer, line(ITEMS.e3P1M, { quantity: 2, termDuration: 'P1M', billingCycle: 'monthly' }));
      expect((await world.call('PATCH', world.subscriptionUrl(customer, first), world.as(partnerA), { quantity: 12 })).status).toBe(200);
      expect((await world.call('PATCH', world.subscriptionUrl(customer, first), world.as(partnerA), { friendlyName: 'Head office' })).status).toBe(200);
      expect((await world.call('POST', world.subscriptionUrl(customer, second, '/cancel'), world.as(partnerA))).status).toBe(200);
      await world.catchUp();

      const expected = new Map<string, string>();
      for (const event of await eventsAfter(start)) {
        for (const message of EVENT_MAP.webhookMessagesOf(event)) if (message.recipients.includes(partnerA.id)) expected.set(message.id, message.type);
      }
      expect([...expected.values()].sort()).toEqual(
        ['customer.relationship-accepted', 'subscription.cancelled', 'subscription.purchased', 'subscription.purchased', 'subscription.updated', 'subscription.updated'].sort(),
      );

      await eventually(async () => (await deliveries(partnerA, hookA.id)).filter((d) => d.status === 'delivered').length === expected.size, 30_000, 'all deliveries');
      const accepted2xx = endpointA.acceptedById();
      expect(new Set(accepted2xx.keys())).toEqual(new Set(expected.keys()));
      for (const [id, request2xx] of accepted2xx) {
        const body = JSON.parse(request2xx.body);
        expect(body).toEqual({
          id,
          type: expected.get(id),
          occurredAt: expect.any(String),
          partnerId: partnerA.id,
          customerId: body.type === 'customer.relationship-accepted' ? customerOfB : customer,
          resourceUri: expect.stringMatching(/^\/v1\/customers\//),
          data: expect.any(Object),
        });
      }
      // Every attempt, failed ones included, carries a valid signature and the same webhook-id.
      expect(endpointA.requests.filter((r) => r.status !== 0)).toHaveLength(expected.size * 2);
      verifyAll(endpointA.requests, hookA.secret);
      const list = await deliveries(partnerA, hookA.id);
      expect(list.map((d) => [d.status, d.attempts, d.lastStatusCode])).toEqual(Array(expected.size).fill(['delivered', 3, 200]));
      // R-TENANT-1: partner B's webhook got nothing of partner A's.
      expect(endpointB.requests).toEqual([]);
      expect(await deliveries(partnerB, hookB.id)).toEqual([]);
    });

    it('R-HOOK-1: after the last attempt a delivery is failed and listed; redeliver sends it again', async () => {
      const endpoint = await receiver();
      endpoint.respond = () => 500;
      const hook = await register(partnerA, endpoint.url('/failing'), ['subscription.updated']);
      const customer = await world.customer(partnerA);
      const subscription = await world.buy(partnerA, customer);
      expect((await world.call('PATCH', world.subscriptionUrl(customer, subscription), world.as(partnerA), { autoRenewEnabled: false })).status).toBe(200);

      const [failed] = await eventually(async () => {
        const list = await deliveries(partnerA, hook.id, '&status=failed');
        return list.length === 1 ? list : undefined;
      }, 20_000, 'the failed delivery');
      expect(failed).toMatchObject({ eventType: 'subscription.updated', status: 'failed', attempts: MAX_ATTEMPTS, lastStatusCode: 500 });
      expect(endpoint.requests).toHaveLength(MAX_ATTEMPTS);
      expect(new Set(endpoint.requests.map((r) => r.headers['webhook-id']))).toEqual(new Set([failed.messageId]));
      // Exponential backoff: each wait at least the one before (100, 200, 400, 800 ms).
      const gaps = endpoint.requests.slice(1).map((r, i) => r.receivedAt - endpoint.requests[i].receivedAt);
      gaps.forEach((gap, i) => expect(gap).toBeGreaterThanOrEqual(100 * 2 ** i - 20));

      endpoint.respond = () => 200;
      const redelivered = await world.call('POST', `/v1/webhooks/${hook.id}/deliveries/${failed.id}/redeliver`, admin(partnerA));
      expect(redelivered.status).toBe(202);
      await eventually(async () => (await deliveries(partnerA, hook.id))[0].status === 'delivered', 10_000, 'the redelivery');
      expect(endpoint.acceptedById().has(failed.messageId)).toBe(true);
      verifyAll(endpoint.requests, hook.secret);
      expect((await world.call('POST', `/v1/webhooks/${hook.id}/deliveries/00000000-0000-4000-8000-000000000000/redeliver`, admin(partnerA))).status).toBe(404);
      expect((await world.call('POST', `/v1/webhooks/${hook.id}/deliveries/${failed.id}/redeliver`, admin(partnerB))).status).toBe(404);
    });

    it('R-HOOK-1: 410 Gone disables the webhook; no more deliveries are made to it', async () => {
      const endpoint = await receiver();
      endpoint.respond = () => 410;
      const hook = await register(partnerA, endpoint.url('/gone'), ['subscription.purchased']);
      const customer = await world.customer(partnerA);
      await world.buy(partnerA, customer);
      await eventually(async () => (await world.call('GET', `/v1/webhooks/${hook.id}`, admin(partnerA))).body.status === 'disabled', 10_000, 'disabled');
      const [gone] = await deliveries(partnerA, hook.id);
      expect(gone).toMatchObject({ status: 'failed', attempts: 1, lastStatusCode: 410 });
      await world.buy(partnerA, customer);
      await world.catchUp();
      expect(await deliveries(partnerA, hook.id)).toHaveLength(1);
      expect(endpoint.requests).toHaveLength(1);
      const redeliver = await world.call('POST', `/v1/webhooks/${hook.id}/deliveries/${gone.id}/redeliver`, admin(partnerA));
      expect({ status: redeliver.status, code: redeliver.body.code }).toEqual({ status: 409, code: 'webhook-not-active' });
    });

    it('R-EVT-1 R-HOOK-1: the term-end lifecycle reaches the webhook (renewed, expired)', async () => {
      const endpoint = await receiver();
      const hook = await register(partnerA, endpoint.url('/lifecycle'), ['subscription.renewed', 'subscription.expired']);
      const customer = await world.customer(partnerA);
      const monthly = line(ITEMS.e3P1M, { quantity: 2, termDuration: 'P1M', billingCycle: 'monthly' });
      const renewing = await world.buy(partnerA, customer, monthly);
      const expiring = await world.buy(partnerA, customer, monthly);
      expect((await world.call('PATCH', world.subscriptionUrl(customer, expiring), world.as(partnerA), { autoRenewEnabled: false })).status).toBe(200);
      try {
        const moved = await world.call('POST', '/v1/test/clock/advance', OPERATOR, { days: 32 });
        expect(moved.status).toBe(200);
        await world.catchUp();
        await eventually(async () => endpoint.acceptedById().size === 2, 15_000, 'the lifecycle deliveries');
        const bodies = [...endpoint.acceptedById().values()].map((request) => JSON.parse(request.body));
        expect(bodies.map((body) => [body.type, body.data.subscriptionId]).sort()).toEqual(
          [
            ['subscription.expired', expiring],
            ['subscription.renewed', renewing],
          ].sort(),
        );
        verifyAll(endpoint.requests, hook.secret);
      } finally {
        world.setClock(T0);
      }
    });

    it('R-EA-11 R-HOOK-1: an EA renewal raises a signed migration event, once per webhook-id after the receiver was down', async () => {
      const endpoint = await receiver();
      const tries = new Map<string, number>();
      endpoint.respond = ({ headers }) => {
        const id = String(headers['webhook-id']);
        tries.set(id, (tries.get(id) ?? 0) + 1);
        return (tries.get(id) ?? 0) === 1 ? 502 : 200;
      };
      const hook = await register(partnerA, endpoint.url('/ea'), ['subscription.migrated-from-ea', 'ea-renewal.scheduled']);
      try {
        const customer = await world.customer(partnerA);
        const eaSubscription = { id: `e5-${Date.now()}`, productName: 'Microsoft 365 E5 (no Teams)', provisioningId: 'Microsoft_365_E5_(no_Teams)', segment: 'commercial', quantity: 5, endDate: '2025-03-31' };
        const imported = await world.call('POST', '/v1/ea/agreements', OPERATOR, {
          agreementNumber: String(20_000_000 + Math.floor(Math.random() * 9_000_000)),
          customerId: customer,
          startDate: '2022-04-01',
          endDate: '2025-03-31',
          extendedTerm: false,
          subscriptions: [eaSubscription],
        });
        expect(imported.status).toBe(201);
        // The partner sees the customer's EA agreements once the import job for its relationship ran.
        expect((await world.call('PUT', '/v1/test/clock', OPERATOR, { now: '2025-01-16T10:00:00.000Z' })).status).toBe(200);
        const renewalUrl = `/v1/customers/${customer}/ea-agreements/${imported.body.agreement.id}/subscriptions/${eaSubscription.id}/csp-renewal`;
        const scheduled = await world.call('PUT', renewalUrl, world.as(partnerA, 'admin-agent'), { termDuration: 'P1Y', billingCycle: 'annual', quantity: 5 });
        expect(scheduled.body).toMatchObject({ status: 'scheduled' });
        expect((await world.call('PUT', '/v1/test/clock', OPERATOR, { now: '2025-04-01T13:00:00.000Z' })).status).toBe(200);
        const renewal = (await world.call('GET', renewalUrl, world.as(partnerA, 'admin-agent'))).body;
        expect(renewal).toMatchObject({ status: 'completed', subscriptionId: expect.any(String) });

        await eventually(async () => endpoint.acceptedById().size === 2, 15_000, 'the EA deliveries');
        const bodies = [...endpoint.acceptedById().values()].map((request) => JSON.parse(request.body));
        expect(bodies.map((body) => body.type).sort()).toEqual(['ea-renewal.scheduled', 'subscription.migrated-from-ea']);
        const migrated = bodies.find((body) => body.type === 'subscription.migrated-from-ea');
        expect(migrated).toMatchObject({ partnerId: partnerA.id, customerId: customer, resourceUri: world.subscriptionUrl(customer, renewal.subscriptionId) });
        // Each message twice (the first attempt refused), every attempt signed.
        expect(endpoint.requests).toHaveLength(4);
        verifyAll(endpoint.requests, hook.secret);
      } finally {
        world.setClock(T0);
      }
    });

    it('signs with the new and the previous secret for a day after a rotation', async () => {
      const endpoint = await receiver();
      const hook = await register(partnerA, endpoint.url('/rotating'), ['subscription.purchased']);
      const rotated = await world.call('POST', `/v1/webhooks/${hook.id}/secret/rotate`, admin(partnerA), undefined, { 'idempotency-key': `rotate-${hook.id}` });
      expect(rotated.status).toBe(200);
      expect(rotated.body).toEqual({ id: hook.id, secret: expect.stringMatching(/^whsec_/), previousSecretValidUntil: '2025-01-16T10:00:00.000Z' });
      expect(rotated.body.secret).not.toBe(hook.secret);
      const replay = await world.call('POST', `/v1/webhooks/${hook.id}/secret/rotate`, admin(partnerA), undefined, { 'idempotency-key': `rotate-${hook.id}` });
      expect(replay.body.secret).toBeUndefined();
      await world.catchUp();
      const customer = await world.customer(partnerA);
      await world.buy(partnerA, customer);
      await eventually(async () => endpoint.acceptedById().size === 1, 10_000, 'the delivery');
      verifyAll(endpoint.requests, hook.secret, rotated.body.secret);
    });
  });
});
