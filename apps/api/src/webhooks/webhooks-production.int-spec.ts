import type { Role } from '../../../../libs/auth/src/auth.types';
import { signDevToken } from '../../../../libs/auth/src/sign-token';
import { WebhookSettingsOverrideModule } from '../../../../libs/webhooks/src/testing/webhook-settings-override.module';
import { startTestApp, type TestApp } from '../../../../test/support/app';

/** Host names resolved without DNS; `localhost` still resolves to loopback. */
const ADDRESSES: Record<string, string[]> = {
  'hooks.partner.example': ['93.184.216.34'],
  'intranet.partner.example': ['93.184.216.34', '10.20.30.40'],
  'localhost': ['127.0.0.1', '::1'],
};

const SECRET = 'a-production-like-secret-of-at-least-32-characters';

/** The URL rules of APP_ENV=production: https only, and never a private or link-local address. */
describe('webhook URLs in production', () => {
  let app: TestApp;
  let partnerTenant: string;

  const call = async (method: 'GET' | 'POST', url: string, who: { tenantId: string; roles: Role[] }, payload?: object) => {
    const token = await signDevToken({ secret: SECRET, tenantId: who.tenantId, roles: who.roles, userId: 'u' });
    const response = await app.http.inject({ method, url, headers: { authorization: `Bearer ${token}` }, payload });
    return { status: response.statusCode, body: response.json() };
  };

  beforeAll(async () => {
    app = await startTestApp({
      env: { APP_ENV: 'production', AUTH_JWT_SECRET: SECRET },
      imports: [
        WebhookSettingsOverrideModule.with({
          resolver: async (host) => {
            if (!(host in ADDRESSES)) throw new Error(`ENOTFOUND ${host}`);
            return ADDRESSES[host];
          },
        }),
      ],
    });
    const partner = await call('POST', '/v1/partners', { tenantId: 'operator', roles: ['operator'] }, {
      name: 'Prod partner',
      kind: 'direct',
      partnerId: '9100001',
      country: 'DE',
      currency: 'EUR',
      email: 'p@example.com',
    });
    expect(partner.status).toBe(201);
    partnerTenant = partner.body.id;
  });
  afterAll(async () => {
    await app?.close();
  });

  it('R-HOOK-1: refuses http, private, loopback and link-local addresses with stable codes', async () => {
    const cases: Array<[string, string]> = [
      ['http://127.0.0.1:8080/hook', 'webhook-url-https-required'],
      ['http://hooks.example.com/hook', 'webhook-url-https-required'],
      ['https://10.1.2.3/hook', 'webhook-url-address-not-allowed'],
      ['https://192.168.0.10/hook', 'webhook-url-address-not-allowed'],
      ['https://169.254.169.254/latest/meta-data', 'webhook-url-address-not-allowed'],
      ['https://[fe80::1]/hook', 'webhook-url-address-not-allowed'],
      ['https://[::1]/hook', 'webhook-url-address-not-allowed'],
      ['https://localhost/hook', 'webhook-url-address-not-allowed'],
      ['https://intranet.partner.example/hook', 'webhook-url-address-not-allowed'],
      ['https://nowhere.partner.example/hook', 'webhook-url-unresolvable'],
      ['not a url', 'webhook-url-invalid'],
      ['ftp://files.example.com/hook', 'webhook-url-scheme-not-allowed'],
    ];
    for (const [url, code] of cases) {
      const answer = await call('POST', '/v1/webhooks', { tenantId: partnerTenant, roles: ['global-admin'] }, { url, eventTypes: ['subscription.purchased'] });
      expect({ url, status: answer.status, code: answer.body.code }).toEqual({ url, status: 400, code });
    }
    const ok = await call('POST', '/v1/webhooks', { tenantId: partnerTenant, roles: ['global-admin'] }, { url: 'https://hooks.partner.example/hook', eventTypes: ['invoice.ready'] });
    expect(ok.status).toBe(201);
  });
});
