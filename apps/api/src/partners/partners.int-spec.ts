import { randomUUID } from 'node:crypto';
import { sql } from 'kysely';
import type { Role } from '../../../../libs/auth/src/auth.types';
import { PARTNER_ROLES } from '../../../../libs/auth/src/auth.types';
import { ProjectionRunner } from '../../../../libs/event-store/src/projections/projection-runner';
import { startTestApp, type TestApp } from '../../../../test/support/app';

const OPERATOR = { tenantId: 'operator', roles: ['operator'] as Role[] };

describe('partners API', () => {
  let app: TestApp;

  beforeAll(async () => {
    app = await startTestApp();
  });
  afterAll(async () => {
    await app?.close();
  });

  async function call(method: 'GET' | 'POST', url: string, who: { tenantId: string; roles: Role[] }, payload?: object) {
    const headers = await app.authFor(who);
    const response = await app.http.inject({ method, url, headers, payload });
    return { status: response.statusCode, body: response.body ? response.json() : undefined };
  }

  const partnerBody = (overrides: Record<string, unknown> = {}) => ({
    name: 'Contoso Cloud GmbH',
    kind: 'direct',
    partnerId: String(1_000_000 + Math.floor(Math.random() * 8_000_000)),
    country: 'DE',
    currency: 'EUR',
    email: 'ops@contoso.example',
    ...overrides,
  });

  async function streamCount(prefix: string): Promise<number> {
    const result = await sql<{ count: string }>`select count(distinct stream_name) as count from events where stream_name like ${`${prefix}%`}`.execute(
      app.db.db,
    );
    return Number(result.rows[0].count);
  }

  it('the operator onboards a partner whose CSP region comes from its country', async () => {
    const body = partnerBody({ country: 'AT' });
    const created = await call('POST', '/v1/partners', OPERATOR, body);
    expect(created.status).toBe(201);
    expect(created.body).toEqual({
      id: expect.stringMatching(/^[0-9a-f-]{36}$/),
      name: body.name,
      kind: 'direct',
      partnerId: body.partnerId,
      country: 'AT',
      region: 'europe',
      currency: 'EUR',
      email: body.email,
      createdAt: '2025-01-15T09:00:00.000Z',
    });
    const read = await call('GET', `/v1/partners/${created.body.id}`, OPERATOR);
    expect(read).toEqual({ status: 200, body: created.body });
  });

  it('refuses a partnerId another partner holds, and writes nothing', async () => {
    const body = partnerBody();
    expect((await call('POST', '/v1/partners', OPERATOR, body)).status).toBe(201);
    const partnersBefore = await streamCount('partner-');
    const again = await call('POST', '/v1/partners', OPERATOR, { ...body, name: 'Someone else' });
    expect(again.status).toBe(409);
    expect(again.body).toMatchObject({ code: 'partner-id-taken', status: 409 });
    expect(await streamCount('partner-')).toBe(partnersBefore);
  });

  it('concurrent onboardings of one partnerId: exactly one wins', async () => {
    const body = partnerBody();
    const results = await Promise.all(Array.from({ length: 5 }, () => call('POST', '/v1/partners', OPERATOR, body)));
    expect(results.map((r) => r.status).sort()).toEqual([201, 409, 409, 409, 409]);
    const holders = await sql<{ count: string }>`select count(*) as count from events where type = 'PartnerOnboarded' and data->>'partnerId' = ${body.partnerId}`.execute(
      app.db.db,
    );
    expect(Number(holders.rows[0].count)).toBe(1);
  });

  it('refuses a country that is not a CSP market and an unsupported currency with 422, writing nothing', async () => {
    const before = await streamCount('partner');
    const country = await call('POST', '/v1/partners', OPERATOR, partnerBody({ country: 'KP' }));
    expect(country.status).toBe(422);
    expect(country.body.code).toBe('country-not-supported');
    const currency = await call('POST', '/v1/partners', OPERATOR, partnerBody({ currency: 'XAU' }));
    expect(currency.status).toBe(422);
    expect(currency.body.code).toBe('currency-not-supported');
    expect(await streamCount('partner')).toBe(before);
  });

  it('bad input answers 400 naming every failing field, and unknown fields are refused', async () => {
    const before = await streamCount('partner');
    const bad = await call('POST', '/v1/partners', OPERATOR, {
      name: '',
      kind: 'distributor',
      partnerId: 'MPN-1',
      country: 'Germany',
      currency: 'eur',
      email: 'not-an-email',
      tier: 'gold',
    });
    expect(bad.status).toBe(400);
    expect(bad.body.code).toBe('validation-failed');
    expect(bad.body.errors.map((e: { field: string }) => e.field).sort()).toEqual(
      ['country', 'currency', 'email', 'kind', 'name', 'partnerId', 'tier'].sort(),
    );
    expect(await streamCount('partner')).toBe(before);
  });

  it('only the operator onboards and lists partners (403 for partner roles)', async () => {
    for (const role of [...PARTNER_ROLES, 'customer-admin'] as Role[]) {
      const who = { tenantId: randomUUID(), roles: [role] };
      expect((await call('POST', '/v1/partners', who, partnerBody())).status).toBe(403);
      expect((await call('GET', '/v1/partners', who)).status).toBe(403);
    }
  });

  it('R-TENANT-1: a partner reads itself; another partner gets 404', async () => {
    const mine = (await call('POST', '/v1/partners', OPERATOR, partnerBody())).body;
    const other = (await call('POST', '/v1/partners', OPERATOR, partnerBody({ country: 'US', currency: 'USD' }))).body;
    const self = await call('GET', `/v1/partners/${mine.id}`, { tenantId: mine.id, roles: ['sales-agent'] });
    expect(self.status).toBe(200);
    expect(self.body.id).toBe(mine.id);
    const foreign = await call('GET', `/v1/partners/${other.id}`, { tenantId: mine.id, roles: ['global-admin'] });
    expect(foreign.status).toBe(404);
    expect(foreign.body.code).toBe('not-found');
    expect((await call('GET', `/v1/partners/${randomUUID()}`, OPERATOR)).status).toBe(404);
    expect((await call('GET', `/v1/partners/${mine.id}`, { tenantId: mine.id, roles: ['customer-admin'] })).status).toBe(403);
  });

  it('lists partners from the read model page by page', async () => {
    await app.running.app.get(ProjectionRunner).waitForCatchUp();
    const all = await call('GET', '/v1/partners?limit=500', OPERATOR);
    expect(all.status).toBe(200);
    expect(all.body.continuationToken).toBeUndefined();
    const total = all.body.items.length;
    expect(total).toBeGreaterThanOrEqual(4);

    const seen: string[] = [];
    let token: string | undefined;
    do {
      const page = await call('GET', `/v1/partners?limit=2${token ? `&continuationToken=${token}` : ''}`, OPERATOR);
      expect(page.status).toBe(200);
      expect(page.body.items.length).toBeLessThanOrEqual(2);
      seen.push(...page.body.items.map((p: { id: string }) => p.id));
      token = page.body.continuationToken;
    } while (token);
    expect(seen).toEqual(all.body.items.map((p: { id: string }) => p.id));

    expect((await call('GET', '/v1/partners?limit=0', OPERATOR)).status).toBe(400);
    const badToken = await call('GET', '/v1/partners?continuationToken=garbage', OPERATOR);
    expect(badToken.status).toBe(400);
    expect(badToken.body.code).toBe('invalid-continuation-token');
  });

  it('publishes the partner, customer and relationship endpoints in the OpenAPI document', async () => {
    const response = await app.http.inject({ method: 'GET', url: '/docs-json' });
    expect(response.statusCode).toBe(200);
    const paths = Object.keys(response.json().paths);
    expect(paths).toEqual(
      expect.arrayContaining([
        '/v1/partners',
        '/v1/partners/{partnerTenantId}',
        '/v1/customers',
        '/v1/customers/{customerId}',
        '/v1/customers/{customerId}/agreements',
        '/v1/relationship-requests',
        '/v1/relationship-requests/{token}/accept',
      ]),
    );
  });
});
