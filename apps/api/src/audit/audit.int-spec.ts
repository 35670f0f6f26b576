import { OPERATOR_TENANT } from '../../../../libs/auth/src/auth.types';
import { EVENT_MAP } from '../../../../libs/webhooks/src/event-map';
import { startTestApp, type TestApp } from '../../../../test/support/app';
import { OPERATOR, World, type Partner } from '../subscriptions/testing/world';

const T0 = '2025-01-15T10:00:00.000Z';

interface AuditItem {
  eventId: string;
  type: string;
  streamName: string;
  streamVersion: number;
  position: string;
  occurredAt: string;
  recordedAt: string;
  data: Record<string, unknown>;
  metadata: { actor: { userId: string; tenantId: string; roles: string[] }; correlationId: string; causationId: string };
}

describe('audit API', () => {
  let app: TestApp;
  let world: World;
  let partnerA: Partner;
  let partnerB: Partner;
  let customerA: string;
  let subscriptionA: string;
  let customerB: string;

  beforeAll(async () => {
    app = await startTestApp();
    world = new World(app);
    world.setClock(T0);
    partnerA = await world.onboard('direct');
    partnerB = await world.onboard('direct');
    customerA = await world.customer(partnerA);
    customerB = await world.customer(partnerB);
    subscriptionA = await world.buy(partnerA, customerA);
    world.setClock('2025-01-16T12:00:00.000Z');
    expect((await world.call('PATCH', world.subscriptionUrl(customerA, subscriptionA), world.as(partnerA), { quantity: 15 }, { 'x-correlation-id': 'corr-audit-1' })).status).toBe(200);
    await world.catchUp();
  });
  afterAll(async () => {
    await app?.close();
  });

  async function feed(who: ReturnType<World['as']>, limit = 7): Promise<AuditItem[]> {
    const items: AuditItem[] = [];
    let after: string | undefined;
    for (;;) {
      const page = await world.call('GET', `/v1/audit/events?limit=${limit}${after ? `&after=${encodeURIComponent(after)}` : ''}`, who);
      expect(page.status).toBe(200);
      items.push(...page.body.items);
      if (!page.body.continuationToken) return items;
      after = page.body.continuationToken;
    }
  }

  it('R-AUDIT-1 R-EVT-2: reads the full history of a stream with actor, correlation and causation ids and both times', async () => {
    const history = await world.call('GET', `/v1/audit/streams/subscription-${subscriptionA}`, world.as(partnerA, 'account-admin'));
    expect(history.status).toBe(200);
    const items: AuditItem[] = history.body.items;
    expect(items.map((item) => [item.type, item.streamVersion])).toEqual([
      ['SubscriptionPurchased', 0],
      ['SubscriptionQuantityChanged', 1],
    ]);
    expect(items[1]).toEqual({
      eventId: expect.stringMatching(/^[0-9a-f-]{36}$/),
      type: 'SubscriptionQuantityChanged',
      streamName: `subscription-${subscriptionA}`,
      streamVersion: 1,
      position: expect.any(String),
      occurredAt: '2025-01-16T12:00:00.000Z',
      recordedAt: expect.any(String),
      data: expect.objectContaining({ subscriptionId: subscriptionA, previousQuantity: 10, quantity: 15 }),
      metadata: {
        actor: { userId: `sales-agent-of-${partnerA.id}`, tenantId: partnerA.id, roles: ['sales-agent'] },
        correlationId: 'corr-audit-1',
        causationId: expect.any(String),
      },
    });
    expect(items[0].position < items[1].position).toBe(true);
  });

  it('R-TENANT-1: another partner gets 404; the operator sees every stream', async () => {
    expect((await world.call('GET', `/v1/audit/streams/subscription-${subscriptionA}`, world.as(partnerB, 'global-admin'))).status).toBe(404);
    expect((await world.call('GET', `/v1/audit/streams/customer-${customerA}`, world.as(partnerB, 'global-admin'))).status).toBe(404);
    expect((await world.call('GET', '/v1/audit/streams/subscription-does-not-exist', OPERATOR)).status).toBe(404);
    const asOperator = await world.call('GET', `/v1/audit/streams/customer-${customerB}`, OPERATOR);
    expect(asOperator.status).toBe(200);
    expect(asOperator.body.items.map((item: AuditItem) => item.type)).toEqual([
      'CustomerCreated',
      'CustomerAdminCredentialsIssued',
      'ResellerRelationshipEstablished',
      'CustomerAgreementAttested',
    ]);
    expect((await world.call('GET', `/v1/audit/streams/customer-${customerA}`, world.adminOf(customerA))).status).toBe(403);
  });

  it('never shows password hashes', async () => {
    const stream = await world.call('GET', `/v1/audit/streams/customer-${customerA}`, world.as(partnerA));
    const credentials = stream.body.items.find((item: AuditItem) => item.type === 'CustomerAdminCredentialsIssued');
    expect(credentials.data).toMatchObject({ customerId: customerA, passwordHash: '[redacted]' });
    expect(JSON.stringify(await feed(OPERATOR, 100))).not.toMatch(/scrypt|\$[0-9a-f]{16}/);
  });

  it('R-AUDIT-1: the global feed pages through the log in order; the operator sees all, a partner its own', async () => {
    const all = await feed(OPERATOR);
    expect(all.length).toBe(await world.eventCount());
    const positions = all.map((item) => item.position);
    expect([...positions].sort()).toEqual(positions);
    expect(new Set(all.map((item) => item.eventId)).size).toBe(all.length);

    const ofA = await feed(world.as(partnerA, 'global-admin'), 3);
    const expectedA = all.filter((item) =>
      EVENT_MAP.auditTenantsOf({ ...item, metadata: { ...item.metadata, eventId: item.eventId, occurredAt: item.occurredAt } }, OPERATOR_TENANT).includes(partnerA.id),
    );
    expect(ofA.map((item) => item.eventId)).toEqual(expectedA.map((item) => item.eventId));
    expect(ofA.map((item) => item.streamName)).toEqual(expect.arrayContaining([`partner-${partnerA.id}`, `customer-${customerA}`, `subscription-${subscriptionA}`]));
    const streamsOfA = new Set(ofA.map((item) => item.streamName));
    expect(streamsOfA.has(`customer-${customerB}`)).toBe(false);
    expect(streamsOfA.has(`partner-${partnerB.id}`)).toBe(false);
    // The catalog written by the operator is not a partner's history.
    expect(ofA.some((item) => item.metadata.actor.tenantId === 'operator' && !item.streamName.startsWith('partner-'))).toBe(false);
  });

  it('answers 400 for a position that is not one of this log', async () => {
    const answer = await world.call('GET', '/v1/audit/events?after=yesterday', OPERATOR);
    expect({ status: answer.status, code: answer.body.code }).toEqual({ status: 400, code: 'invalid-position' });
    expect((await world.call('GET', '/v1/audit/events?limit=0', OPERATOR)).status).toBe(400);
  });
});
