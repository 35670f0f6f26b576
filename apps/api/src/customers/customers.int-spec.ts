import { randomUUID } from 'node:crypto';
import { sql } from 'kysely';
import { PARTNER_ROLES, type Role } from '../../../../libs/auth/src/auth.types';
import { verifyPassword } from '../../../../libs/customers/src/application/admin-credentials';
import { CustomerAccess } from '../../../../libs/customers/src/application/customer-access';
import { ProjectionRunner } from '../../../../libs/event-store/src/projections/projection-runner';
import { startTestApp, type TestApp } from '../../../../test/support/app';

type Who = { tenantId: string; roles: Role[]; userId?: string };

const OPERATOR: Who = { tenantId: 'operator', roles: ['operator'] };
const R_ROLE_4: Role[] = ['account-admin', 'sales-agent', 'global-admin'];
const NOT_R_ROLE_4: Role[] = ['admin-agent', 'referral-admin', 'marketing-content-admin', 'customer-admin', 'operator'];

interface Partner {
  id: string;
  partnerId: string;
}

describe('customers, relationships and agreements API', () => {
  let app: TestApp;
  let mpn = 3_000_000;
  let directDE: Partner;
  let directFR: Partner;
  let directUS: Partner;
  let providerDE: Partner;
  let resellerAT: Partner;

  beforeAll(async () => {
    app = await startTestApp();
    directDE = await onboard('direct', 'DE', 'EUR');
    directFR = await onboard('direct', 'FR', 'EUR');
    directUS = await onboard('direct', 'US', 'USD');
    providerDE = await onboard('indirect-provider', 'DE', 'EUR');
    resellerAT = await onboard('indirect-reseller', 'AT', 'EUR');
  });
  afterAll(async () => {
    await app?.close();
  });

  async function call(method: 'GET' | 'POST', url: string, who: Who, payload?: object) {
    const headers = await app.authFor(who);
    const response = await app.http.inject({ method, url, headers, payload });
    return { status: response.statusCode, body: response.body ? response.json() : undefined, raw: response.body };
  }

  async function onboard(kind: string, country: string, currency: string): Promise<Partner> {
    const partnerId = String(mpn++);
    const response = await call('POST', '/v1/partners', OPERATOR, { name: `${kind} ${country}`, kind, partnerId, country, currency, email: 'p@example.com' });
    expect(response.status).toBe(201);
    return { id: response.body.id, partnerId };
  }

  /** A user of the partner with one role; the operator role only exists in the operator tenant. */
  const as = (partner: Partner, role: Role = 'sales-agent'): Who =>
    role === 'operator' ? OPERATOR : { tenantId: partner.id, roles: [role], userId: `user-of-${partner.id}` };
  const adminOf = (customerId: string): Who => ({ tenantId: customerId, roles: ['customer-admin'], userId: `admin-of-${customerId}` });

  const customerBody = (overrides: Record<string, unknown> = {}) => ({
    companyName: 'Fabrikam AG',
    country: 'AT',
    domain: `fabrikam-${randomUUID().slice(0, 8)}.onmicrosoft.com`,
    contact: { firstName: 'Ada', lastName: 'Muster', email: 'ada@fabrikam.example', phone: '+43 1 234567' },
    ...overrides,
  });

  async function createCustomer(partner: Partner, overrides: Record<string, unknown> = {}) {
    const response = await call('POST', '/v1/customers', as(partner), customerBody(overrides));
    expect(response.status).toBe(201);
    return response.body;
  }

  async function eventCount(): Promise<number> {
    const result = await sql<{ count: string }>`select count(*) as count from events`.execute(app.db.db);
    return Number(result.rows[0].count);
  }

  async function streamEvents(stream: string): Promise<Array<{ type: string; data: Record<string, unknown> }>> {
    const result = await sql<{ type: string; data: Record<string, unknown> }>`select type, data from events where stream_name = ${stream} order by stream_version`.execute(
      app.db.db,
    );
    return result.rows;
  }

  async function requestRelationship(partner: Partner, customerId?: string) {
    const response = await call('POST', '/v1/relationship-requests', as(partner, 'account-admin'), customerId ? { customerId } : {});
    return response;
  }

  const catchUp = () => app.running.app.get(ProjectionRunner).waitForCatchUp();

  describe('creating customers', () => {
    it('R-CUST-1 R-CUST-2: creates the customer with a relationship at once and shows the admin credentials only once', async () => {
      const body = customerBody();
      const created = await call('POST', '/v1/customers', as(directDE), body);
      expect(created.status).toBe(201);
      const customer = created.body;
      expect(customer).toMatchObject({
        id: expect.stringMatching(/^[0-9a-f-]{36}$/),
        companyName: 'Fabrikam AG',
        country: 'AT',
        region: 'europe',
        domain: body.domain,
        contact: body.contact,
        adminUserName: `admin@${body.domain}`,
        agreementAttested: false,
        relationships: [{ partnerTenantId: directDE.id, partnerKind: 'direct', via: 'customer-creation', establishedAt: '2025-01-15T09:00:00.000Z' }],
        adminCredentials: { userName: `admin@${body.domain}`, temporaryPassword: expect.any(String) },
      });
      const password: string = customer.adminCredentials.temporaryPassword;
      expect(password.length).toBeGreaterThanOrEqual(16);

      const read = await call('GET', `/v1/customers/${customer.id}`, as(directDE, 'admin-agent'));
      expect(read.status).toBe(200);
      expect(read.body.adminCredentials).toBeUndefined();
      expect(read.raw).not.toContain(password);
      const { adminCredentials: _shownOnce, ...view } = customer;
      expect(read.body).toEqual(view);

      const events = await streamEvents(`customer-${customer.id}`);
      expect(events.map((e) => e.type)).toEqual(['CustomerCreated', 'CustomerAdminCredentialsIssued', 'ResellerRelationshipEstablished']);
      expect(JSON.stringify(events)).not.toContain(password);
      const hash = events[1].data.passwordHash as string;
      await expect(verifyPassword(password, hash)).resolves.toBe(true);
    });

    it('R-CUST-1: an Idempotency-Key replay of the creation never shows or stores the password again', async () => {
      const headers = { ...(await app.authFor(as(directDE))), 'idempotency-key': `create-${randomUUID()}` };
      const payload = customerBody({ domain: `replay-${randomUUID().slice(0, 8)}.example.com` });
      const first = await app.http.inject({ method: 'POST', url: '/v1/customers', headers, payload });
      expect(first.statusCode).toBe(201);
      const password: string = first.json().adminCredentials.temporaryPassword;

      const replay = await app.http.inject({ method: 'POST', url: '/v1/customers', headers, payload });
      expect(replay.statusCode).toBe(201);
      expect(replay.headers['idempotent-replayed']).toBe('true');
      expect(replay.headers['idempotent-replay-omitted']).toBe('adminCredentials');
      expect(replay.json().id).toBe(first.json().id);
      expect(replay.body).not.toContain(password);
      const stored = await sql<{ body: string }>`select response_body::text as body from idempotency_keys`.execute(app.db.db);
      expect(stored.rows.length).toBeGreaterThan(0);
      expect(stored.rows.some((row) => (row.body ?? '').includes(password))).toBe(false);
    });

    it('R-CUST-4: refuses a customer outside the partner\'s CSP region and writes nothing', async () => {
      const before = await eventCount();
      const refused = await call('POST', '/v1/customers', as(directDE), customerBody({ country: 'US' }));
      expect(refused.status).toBe(422);
      expect(refused.body).toMatchObject({ code: 'region-mismatch', status: 422 });
      const unsupported = await call('POST', '/v1/customers', as(directDE), customerBody({ country: 'CU' }));
      expect(unsupported.status).toBe(422);
      expect(unsupported.body.code).toBe('country-not-supported');
      expect(await eventCount()).toBe(before);
      expect((await call('POST', '/v1/customers', as(directUS), customerBody({ country: 'US' }))).status).toBe(201);
    });

    it('refuses a domain another customer uses (any letter case) and writes nothing', async () => {
      const first = await createCustomer(directDE);
      const before = await eventCount();
      const taken = await call('POST', '/v1/customers', as(directFR), customerBody({ domain: first.domain.toUpperCase(), country: 'FR' }));
      expect(taken.status).toBe(409);
      expect(taken.body.code).toBe('domain-taken');
      expect(await eventCount()).toBe(before);
    });

    it('R-ROLE-4: account-admin, sales-agent and global-admin create customers; other roles get 403', async () => {
      for (const role of R_ROLE_4) {
        expect((await call('POST', '/v1/customers', as(directDE, role), customerBody())).status).toBe(201);
      }
      const before = await eventCount();
      for (const role of NOT_R_ROLE_4) {
        const response = await call('POST', '/v1/customers', as(directDE, role), customerBody());
        expect({ role, status: response.status }).toEqual({ role, status: 403 });
      }
      expect(await eventCount()).toBe(before);
    });

    it('bad input answers 400 naming each failing field, and writes nothing', async () => {
      const before = await eventCount();
      const bad = await call('POST', '/v1/customers', as(directDE), {
        companyName: '',
        country: 'austria',
        domain: 'not a domain',
        contact: { firstName: 'Ada', email: 'nope', extra: true },
        indirectResellerPartnerId: 'abc',
        vip: true,
      });
      expect(bad.status).toBe(400);
      expect(bad.body.code).toBe('validation-failed');
      expect(bad.body.errors.map((e: { field: string }) => e.field).sort()).toEqual(
        [
          'companyName',
          'contact.email',
          'contact.extra',
          'contact.lastName',
          'country',
          'domain',
          'indirectResellerPartnerId',
          'vip',
        ].sort(),
      );
      const noContact = await call('POST', '/v1/customers', as(directDE), { ...customerBody(), contact: undefined });
      expect(noContact.status).toBe(400);
      expect(noContact.body.errors.map((e: { field: string }) => e.field)).toContain('contact');
      expect(await eventCount()).toBe(before);
    });

    it('a tenant that is not an onboarded partner cannot create customers', async () => {
      const response = await call('POST', '/v1/customers', { tenantId: randomUUID(), roles: ['global-admin'] }, customerBody());
      expect(response.status).toBe(422);
      expect(response.body.code).toBe('partner-not-onboarded');
    });

    it('R-IND-3: an indirect provider creates a customer for its reseller; both are related and the reseller sees it', async () => {
      const created = await call('POST', '/v1/customers', as(providerDE, 'global-admin'), customerBody({ indirectResellerPartnerId: resellerAT.partnerId }));
      expect(created.status).toBe(201);
      expect(created.body.relationships).toEqual([
        { partnerTenantId: providerDE.id, partnerKind: 'indirect-provider', via: 'customer-creation', establishedAt: expect.any(String) },
      ]);
      const asReseller = await call('GET', `/v1/customers/${created.body.id}`, as(resellerAT, 'admin-agent'));
      expect(asReseller.status).toBe(200);
      expect(asReseller.body.relationships).toEqual([
        {
          partnerTenantId: resellerAT.id,
          partnerKind: 'indirect-reseller',
          via: 'customer-creation',
          indirectProviderTenantId: providerDE.id,
          establishedAt: expect.any(String),
        },
      ]);
    });

    it('refuses an indirect reseller from a partner that is no provider, or an unknown partnerId', async () => {
      const before = await eventCount();
      const notProvider = await call('POST', '/v1/customers', as(directDE), customerBody({ indirectResellerPartnerId: resellerAT.partnerId }));
      expect(notProvider.status).toBe(422);
      expect(notProvider.body.code).toBe('not-an-indirect-provider');
      const unknown = await call('POST', '/v1/customers', as(providerDE), customerBody({ indirectResellerPartnerId: '99999999999' }));
      expect(unknown.status).toBe(422);
      expect(unknown.body.code).toBe('indirect-reseller-not-found');
      const notReseller = await call('POST', '/v1/customers', as(providerDE), customerBody({ indirectResellerPartnerId: directFR.partnerId }));
      expect(notReseller.status).toBe(422);
      expect(notReseller.body.code).toBe('not-an-indirect-reseller');
      expect(await eventCount()).toBe(before);
    });
  });

  describe('reading customers', () => {
    it('R-TENANT-1: another partner gets 404; the customer\'s admin and the operator see it', async () => {
      const customer = await createCustomer(directDE);
      for (const role of PARTNER_ROLES) {
        expect((await call('GET', `/v1/customers/${customer.id}`, as(directDE, role))).status).toBe(200);
        const foreign = await call('GET', `/v1/customers/${customer.id}`, as(directFR, role));
        expect({ role, status: foreign.status, code: foreign.body.code }).toEqual({ role, status: 404, code: 'not-found' });
      }
      expect((await call('GET', `/v1/customers/${customer.id}/agreements`, as(directFR))).status).toBe(404);
      expect((await call('GET', `/v1/customers/${customer.id}`, adminOf(customer.id))).status).toBe(200);
      expect((await call('GET', `/v1/customers/${customer.id}`, adminOf(randomUUID()))).status).toBe(404);
      expect((await call('GET', `/v1/customers/${customer.id}`, OPERATOR)).status).toBe(200);
      expect((await call('GET', `/v1/customers/${randomUUID()}`, OPERATOR)).status).toBe(404);
    });

    it('R-TENANT-1: lists only the caller\'s customers, from the read model, page by page', async () => {
      const partner = await onboard('direct', 'NL', 'EUR');
      const mine = [await createCustomer(partner, { country: 'NL' }), await createCustomer(partner, { country: 'BE' }), await createCustomer(partner)];
      await catchUp();

      const all = await call('GET', '/v1/customers', as(partner, 'admin-agent'));
      expect(all.status).toBe(200);
      expect(all.body.items.map((c: { id: string }) => c.id).sort()).toEqual(mine.map((c) => c.id).sort());
      expect(all.body.items[0]).toEqual({
        id: expect.any(String),
        companyName: 'Fabrikam AG',
        country: expect.any(String),
        region: 'europe',
        domain: expect.any(String),
        createdAt: expect.any(String),
        agreementAttested: false,
      });

      const first = await call('GET', '/v1/customers?limit=2', as(partner));
      expect(first.body.items).toHaveLength(2);
      expect(first.body.continuationToken).toEqual(expect.any(String));
      const second = await call('GET', `/v1/customers?limit=2&continuationToken=${first.body.continuationToken}`, as(partner));
      expect(second.body.items).toHaveLength(1);
      expect(second.body.continuationToken).toBeUndefined();
      expect([...first.body.items, ...second.body.items].map((c: { id: string }) => c.id)).toEqual(all.body.items.map((c: { id: string }) => c.id));

      const stranger = await onboard('direct', 'BE', 'EUR');
      expect((await call('GET', '/v1/customers', as(stranger))).body).toEqual({ items: [] });
      expect((await call('GET', '/v1/customers', adminOf(mine[0].id))).body.items.map((c: { id: string }) => c.id)).toEqual([mine[0].id]);
      const operatorView = await call('GET', '/v1/customers?limit=500', OPERATOR);
      expect(operatorView.body.items.length).toBeGreaterThan(mine.length);
      expect((await call('GET', '/v1/customers?unknown=1', as(partner))).status).toBe(400);
    });
  });

  describe('relationship requests', () => {
    it('R-CUST-3 R-CUST-5: a second partner\'s request is accepted once by the customer\'s admin; the customer then has both partners', async () => {
      const customer = await createCustomer(directDE);
      const issued = await requestRelationship(directFR);
      expect(issued.status).toBe(201);
      expect(issued.body).toEqual({
        url: expect.stringMatching(new RegExp(`/v1/relationship-requests/${issued.body.token.replace('.', '\\.')}/accept$`)),
        token: expect.stringMatching(/^[0-9a-f-]{36}\.[A-Za-z0-9_-]{43}$/),
        expiresAt: '2025-04-15T09:00:00.000Z',
      });
      const [requestId, secret] = issued.body.token.split('.');
      const requestEvents = await streamEvents(`relationship_request-${requestId}`);
      expect(JSON.stringify(requestEvents)).not.toContain(secret);

      expect((await call('GET', `/v1/customers/${customer.id}`, as(directFR))).status).toBe(404);
      const accepted = await call('POST', `/v1/relationship-requests/${issued.body.token}/accept`, adminOf(customer.id));
      expect(accepted.status).toBe(200);
      expect(accepted.body).toEqual({ requestId, customerId: customer.id, partnerTenantId: directFR.id, establishedAt: '2025-01-15T09:00:00.000Z' });

      const asFR = await call('GET', `/v1/customers/${customer.id}`, as(directFR));
      expect(asFR.status).toBe(200);
      expect(asFR.body.relationships.map((r: { partnerTenantId: string }) => r.partnerTenantId)).toEqual([directFR.id]);
      const asAdmin = await call('GET', `/v1/customers/${customer.id}`, adminOf(customer.id));
      expect(asAdmin.body.relationships.map((r: { partnerTenantId: string }) => r.partnerTenantId)).toEqual([directDE.id, directFR.id]);

      const other = await createCustomer(directDE);
      const before = await eventCount();
      const again = await call('POST', `/v1/relationship-requests/${issued.body.token}/accept`, adminOf(customer.id));
      expect(again.status).toBe(409);
      expect(again.body.code).toBe('token-already-used');
      const byOther = await call('POST', `/v1/relationship-requests/${issued.body.token}/accept`, adminOf(other.id));
      expect(byOther.body.code).toBe('token-already-used');
      expect(await eventCount()).toBe(before);

      await catchUp();
      const listed = await call('GET', '/v1/customers?limit=500', as(directFR));
      expect(listed.body.items.map((c: { id: string }) => c.id)).toContain(customer.id);
    });

    it('R-CUST-4: a customer of another region cannot accept, and the token stays unused', async () => {
      const customer = await createCustomer(directDE);
      const otherUS = await onboard('direct', 'US', 'USD');
      const issued = await requestRelationship(otherUS);
      const before = await eventCount();
      const refused = await call('POST', `/v1/relationship-requests/${issued.body.token}/accept`, adminOf(customer.id));
      expect(refused.status).toBe(422);
      expect(refused.body.code).toBe('region-mismatch');
      expect(await eventCount()).toBe(before);
      const usCustomer = await createCustomer(directUS, { country: 'US' });
      expect((await call('POST', `/v1/relationship-requests/${issued.body.token}/accept`, adminOf(usCustomer.id))).status).toBe(200);
    });

    it('a request bound to a customer is refused early when it cannot succeed, and accepted only by that customer', async () => {
      const customer = await createCustomer(directDE);
      const other = await createCustomer(directDE);
      expect((await requestRelationship(directUS, customer.id)).body.code).toBe('region-mismatch');
      expect((await requestRelationship(directDE, customer.id)).body.code).toBe('relationship-already-exists');
      expect((await requestRelationship(directFR, randomUUID())).body.code).toBe('customer-not-found');

      const bound = await requestRelationship(directFR, customer.id);
      expect(bound.status).toBe(201);
      const wrong = await call('POST', `/v1/relationship-requests/${bound.body.token}/accept`, adminOf(other.id));
      expect(wrong.status).toBe(422);
      expect(wrong.body.code).toBe('relationship-request-for-another-customer');
      expect((await call('POST', `/v1/relationship-requests/${bound.body.token}/accept`, adminOf(customer.id))).status).toBe(200);
    });

    it('a partner already related cannot be related twice; unknown or forged tokens answer 404', async () => {
      const customer = await createCustomer(directDE);
      const issued = await requestRelationship(directDE);
      const twice = await call('POST', `/v1/relationship-requests/${issued.body.token}/accept`, adminOf(customer.id));
      expect(twice.status).toBe(409);
      expect(twice.body.code).toBe('relationship-already-exists');

      const [requestId] = issued.body.token.split('.');
      for (const token of ['garbage', `${requestId}.${'A'.repeat(43)}`, `${randomUUID()}.${'A'.repeat(43)}`]) {
        const response = await call('POST', `/v1/relationship-requests/${token}/accept`, adminOf(customer.id));
        expect({ token, status: response.status }).toEqual({ token, status: 404 });
      }
      expect((await call('POST', `/v1/relationship-requests/${issued.body.token}/accept`, adminOf(randomUUID()))).body.code).toBe(
        'customer-not-found',
      );
    });

    it('R-ROLE-4: only account-admin, sales-agent and global-admin request relationships; only a customer admin accepts', async () => {
      for (const role of R_ROLE_4) {
        expect((await call('POST', '/v1/relationship-requests', as(directFR, role), {})).status).toBe(201);
      }
      for (const role of NOT_R_ROLE_4) {
        expect({ role, status: (await call('POST', '/v1/relationship-requests', as(directFR, role), {})).status }).toEqual({ role, status: 403 });
      }
      const issued = await requestRelationship(directFR);
      const customer = await createCustomer(directDE);
      for (const role of [...PARTNER_ROLES, 'operator'] as Role[]) {
        const who = role === 'operator' ? OPERATOR : { tenantId: customer.id, roles: [role] };
        const response = await call('POST', `/v1/relationship-requests/${issued.body.token}/accept`, who);
        expect({ role, status: response.status }).toEqual({ role, status: 403 });
      }
      expect((await call('POST', '/v1/relationship-requests', as(directFR), { customerId: 'not-a-uuid' })).status).toBe(400);
    });

    it('R-CUST-3: an expired token is refused and changes nothing', async () => {
      const customer = await createCustomer(directDE);
      const issued = await requestRelationship(directFR);
      const start = app.clock.now();
      try {
        app.clock.advance({ days: 90 });
        const before = await eventCount();
        const expired = await call('POST', `/v1/relationship-requests/${issued.body.token}/accept`, adminOf(customer.id));
        expect(expired.status).toBe(422);
        expect(expired.body.code).toBe('token-expired');
        expect(await eventCount()).toBe(before);
        app.clock.advance({ minutes: -1 });
        expect((await call('POST', `/v1/relationship-requests/${issued.body.token}/accept`, adminOf(customer.id))).status).toBe(200);
      } finally {
        app.clock.set(start);
      }
    });
  });

  describe('customer agreements', () => {
    const agreement = (overrides: Record<string, unknown> = {}) => ({
      type: 'MicrosoftCustomerAgreement',
      primaryContact: { firstName: 'Ada', lastName: 'Muster', email: 'ada@fabrikam.example' },
      dateAgreed: '2025-01-14',
      ...overrides,
    });

    it('R-CUST-6: a related partner attests the agreement; then the purchase check passes', async () => {
      const customer = await createCustomer(directDE);
      const access = app.running.app.get(CustomerAccess);
      await expect(access.requireTransactable(directDE.id, customer.id)).rejects.toMatchObject({ code: 'customer-agreement-missing' });

      const attested = await call('POST', `/v1/customers/${customer.id}/agreements`, as(directDE, 'admin-agent'), agreement());
      expect(attested.status).toBe(201);
      expect(attested.body).toEqual({
        id: expect.stringMatching(/^[0-9a-f-]{36}$/),
        type: 'MicrosoftCustomerAgreement',
        primaryContact: { firstName: 'Ada', lastName: 'Muster', email: 'ada@fabrikam.example' },
        dateAgreed: '2025-01-14',
        partnerTenantId: directDE.id,
        userId: `user-of-${directDE.id}`,
        attestedAt: '2025-01-15T09:00:00.000Z',
      });
      const listed = await call('GET', `/v1/customers/${customer.id}/agreements`, as(directDE));
      expect(listed).toMatchObject({ status: 200, body: { items: [attested.body] } });
      expect((await call('GET', `/v1/customers/${customer.id}`, as(directDE))).body.agreementAttested).toBe(true);

      await expect(access.requireTransactable(directDE.id, customer.id)).resolves.toMatchObject({ customerId: customer.id });
      await expect(access.requireTransactable(directFR.id, customer.id)).rejects.toMatchObject({ kind: 'not-found' });
      expect(await access.statusFor(directFR.id, customer.id)).toMatchObject({ relationship: null, agreementAttested: true });

      await catchUp();
      const row = (await call('GET', '/v1/customers?limit=500', as(directDE))).body.items.find((c: { id: string }) => c.id === customer.id);
      expect(row.agreementAttested).toBe(true);
    });

    it('R-ROLE-1 R-ROLE-4: admin-agent, sales-agent, global-admin and account-admin attest; others get 403', async () => {
      const customer = await createCustomer(directDE);
      for (const role of ['admin-agent', 'sales-agent', 'global-admin', 'account-admin'] as Role[]) {
        expect((await call('POST', `/v1/customers/${customer.id}/agreements`, as(directDE, role), agreement())).status).toBe(201);
      }
      for (const role of ['referral-admin', 'marketing-content-admin', 'customer-admin', 'operator'] as Role[]) {
        const who = role === 'customer-admin' ? adminOf(customer.id) : role === 'operator' ? OPERATOR : as(directDE, role);
        expect({ role, status: (await call('POST', `/v1/customers/${customer.id}/agreements`, who, agreement())).status }).toEqual({
          role,
          status: 403,
        });
      }
    });

    it('R-TENANT-1 R-CUST-6: an unrelated partner gets 404; bad or future dates are refused; nothing is written', async () => {
      const customer = await createCustomer(directDE);
      const before = await eventCount();
      const foreign = await call('POST', `/v1/customers/${customer.id}/agreements`, as(directFR), agreement());
      expect(foreign.status).toBe(404);
      const future = await call('POST', `/v1/customers/${customer.id}/agreements`, as(directDE), agreement({ dateAgreed: '2025-01-16' }));
      expect(future.status).toBe(422);
      expect(future.body.code).toBe('date-agreed-in-future');
      const bad = await call('POST', `/v1/customers/${customer.id}/agreements`, as(directDE), {
        type: 'EnterpriseAgreement',
        primaryContact: { firstName: '', lastName: 'Muster', email: 'x' },
        dateAgreed: '2025-02-30',
      });
      expect(bad.status).toBe(400);
      expect(bad.body.errors.map((e: { field: string }) => e.field).sort()).toEqual(
        ['dateAgreed', 'primaryContact.email', 'primaryContact.firstName', 'type'].sort(),
      );
      expect(await eventCount()).toBe(before);
    });
  });

  describe('read models', () => {
    it('R-AUDIT-1: partners_v1 and customers_v1 rebuilt from the events alone come out identical', async () => {
      const runner = app.running.app.get(ProjectionRunner);
      await runner.waitForCatchUp();
      const db = app.db.db;
      const snapshot = async () => ({
        partners: await db.selectFrom('partners').selectAll().orderBy('tenant_id').execute(),
        customers: await db.selectFrom('customers').selectAll().orderBy('customer_id').execute(),
        relationships: await db
          .selectFrom('customer_partner_relationships')
          .selectAll()
          .orderBy('customer_id')
          .orderBy('partner_tenant_id')
          .execute(),
      });
      const before = await snapshot();
      expect(before.customers.length).toBeGreaterThan(20);
      expect(before.relationships.length).toBeGreaterThan(before.customers.length);
      await runner.rebuild('partners_v1');
      await runner.rebuild('customers_v1');
      expect(await snapshot()).toEqual(before);
    });
  });
});
