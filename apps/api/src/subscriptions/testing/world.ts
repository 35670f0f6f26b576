import { randomUUID } from 'node:crypto';
import { sql } from 'kysely';
import type { Role } from '../../../../../libs/auth/src/auth.types';
import { ProjectionRunner } from '../../../../../libs/event-store/src/projections/projection-runner';
import type { TestApp } from '../../../../../test/support/app';

export type Who = { tenantId: string; roles: Role[]; userId?: string };
export interface Partner {
  id: string;
  partnerId: string;
}

export const OPERATOR: Who = { tenantId: 'operator', roles: ['operator'] };
/** R-ROLE-1 and everyone else. */
export const BUYER_ROLES: Role[] = ['admin-agent', 'sales-agent', 'global-admin'];
export const OTHER_PARTNER_ROLES: Role[] = ['account-admin', 'referral-admin', 'marketing-content-admin'];

/** Starter catalog items (DE prices in EUR, January 2025 list). */
export const ITEMS = {
  /** Microsoft 365 E3 (no Teams), P1Y, monthly 33.31 / annual 380.70; upgrades to E5 (no Teams). */
  e3Annual: 'CFQ7TTC0LFLZ:0002:CFQ7TTC0JSWX',
  /** The same SKU with a P1M term, 38.07 a month. */
  e3P1M: 'CFQ7TTC0LFLZ:0002:CFQ7TTC0C0ZC',
  /** Microsoft 365 E5 (no Teams), P1Y, annual 617.58. */
  e5Annual: 'CFQ7TTC0LFK5:0002:CFQ7TTC0LPXG',
  /** End-of-sale (R-CAT-4). */
  e3EndOfSale: 'CFQ7TTC0LFLZ:0001:CFQ7TTC0H2B4',
  /** P1M, billed monthly only. */
  basicMonthly: 'CFQ7TTC0LH18:0001:CFQ7TTC0J58C',
  /** Microsoft Teams Enterprise, an add-on of E3/E5 (no Teams) (R-CAT-7). */
  teamsAddOn: 'CFQ7TTC0MBMD:0001:CFQ7TTC03GB9',
  /** Microsoft Intune Plan 1, P1Y. */
  intune: 'CFQ7TTC0LCHV:0001:CFQ7TTC00HZP',
  /** Windows Server 2022 Standard, a software subscription. */
  windowsServer: 'DG7GMGF0D5RK:0001:DG7GMGF0H7VH',
} as const;

export interface Line {
  catalogItemId: string;
  quantity: number;
  termDuration: string;
  billingCycle: string;
  customTermEndDate?: string;
  promotionId?: string;
  friendlyName?: string;
  participants?: Array<{ key: string; value: string }>;
}

export const line = (catalogItemId: string, overrides: Partial<Line> = {}): Line => ({
  catalogItemId,
  quantity: 10,
  termDuration: 'P1Y',
  billingCycle: 'annual',
  ...overrides,
});

/** HTTP and database helpers around one test app. */
export class World {
  private mpn = 4_000_000;

  constructor(readonly app: TestApp) {}

  async call(method: 'GET' | 'POST' | 'PATCH' | 'PUT' | 'DELETE', url: string, who: Who, payload?: object, headers: Record<string, string> = {}) {
    const auth = await this.app.authFor(who);
    const response = await this.app.http.inject({ method, url, headers: { ...auth, ...headers }, payload });
    const body = response.body ? response.json() : undefined;
    return { status: response.statusCode, body, type: response.headers['content-type'] };
  }

  as(partner: Partner, role: Role = 'sales-agent'): Who {
    return { tenantId: partner.id, roles: [role], userId: `${role}-of-${partner.id}` };
  }

  adminOf(customerId: string): Who {
    return { tenantId: customerId, roles: ['customer-admin'], userId: `admin-of-${customerId}` };
  }

  setClock(instant: string): void {
    this.app.clock.set(new Date(instant));
  }

  async onboard(kind: 'direct' | 'indirect-provider' | 'indirect-reseller' = 'direct', country = 'DE', currency = 'EUR'): Promise<Partner> {
    const partnerId = String(this.mpn++);
    const response = await this.call('POST', '/v1/partners', OPERATOR, { name: `${kind} ${partnerId}`, kind, partnerId, country, currency, email: 'p@example.com' });
    if (response.status !== 201) throw new Error(`onboarding failed: ${JSON.stringify(response.body)}`);
    return { id: response.body.id, partnerId };
  }

  /** A customer in Germany with an attested customer agreement (R-CUST-6) unless told otherwise. */
  async customer(partner: Partner, options: { attest?: boolean; indirectResellerPartnerId?: string } = {}): Promise<string> {
    const created = await this.call('POST', '/v1/customers', this.as(partner, 'global-admin'), {
      companyName: 'Contoso GmbH',
      country: 'DE',
      domain: `contoso-${randomUUID().slice(0, 8)}.onmicrosoft.com`,
      contact: { firstName: 'Ada', lastName: 'Muster', email: 'ada@contoso.example' },
      ...(options.indirectResellerPartnerId ? { indirectResellerPartnerId: options.indirectResellerPartnerId } : {}),
    });
    if (created.status !== 201) throw new Error(`customer creation failed: ${JSON.stringify(created.body)}`);
    if (options.attest !== false) await this.attest(partner, created.body.id);
    return created.body.id;
  }

  async attest(partner: Partner, customerId: string): Promise<void> {
    const attested = await this.call('POST', `/v1/customers/${customerId}/agreements`, this.as(partner), {
      type: 'MicrosoftCustomerAgreement',
      primaryContact: { firstName: 'Ada', lastName: 'Muster', email: 'ada@contoso.example' },
      dateAgreed: '2025-01-01',
    });
    if (attested.status !== 201) throw new Error(`attestation failed: ${JSON.stringify(attested.body)}`);
  }

  async cart(partner: Partner, customerId: string, lines: Line[], who: Who = this.as(partner)) {
    return this.call('POST', `/v1/customers/${customerId}/carts`, who, { lineItems: lines });
  }

  async checkout(partner: Partner, customerId: string, lines: Line[], who: Who = this.as(partner)) {
    const cart = await this.cart(partner, customerId, lines, who);
    if (cart.status !== 201) throw new Error(`cart creation failed: ${JSON.stringify(cart.body)}`);
    return this.call('POST', `/v1/customers/${customerId}/carts/${cart.body.id}/checkout`, who);
  }

  /** Buys one line and answers the new subscription's id. */
  async buy(partner: Partner, customerId: string, lineItem: Line = line(ITEMS.e3Annual)): Promise<string> {
    const result = await this.checkout(partner, customerId, [lineItem]);
    if (result.status !== 201 || result.body.orderErrors.length > 0) throw new Error(`purchase failed: ${JSON.stringify(result.body)}`);
    return result.body.orders[0].lineItems[0].subscriptionId;
  }

  subscriptionUrl(customerId: string, subscriptionId: string, suffix = ''): string {
    return `/v1/customers/${customerId}/subscriptions/${subscriptionId}${suffix}`;
  }

  async eventCount(): Promise<number> {
    return Number((await sql<{ n: string }>`select count(*) as n from events`.execute(this.app.db.db)).rows[0].n);
  }

  async streamEvents(stream: string): Promise<Array<{ type: string; data: Record<string, unknown> }>> {
    const result = await sql<{ type: string; data: Record<string, unknown> }>`
      select type, data from events where stream_name = ${stream} order by stream_version`.execute(this.app.db.db);
    return result.rows;
  }

  catchUp(): Promise<void> {
    return this.app.running.app.get(ProjectionRunner).waitForCatchUp(20_000);
  }
}
