import { Webhook } from 'standardwebhooks';
import { generateWebhookSecret, signWebhook, webhookHeaders } from './signature';

describe('Standard Webhooks signatures', () => {
  it('R-HOOK-1: the consumer library verifies what we sign, and refuses a changed body', () => {
    const secret = generateWebhookSecret();
    expect(secret).toMatch(/^whsec_[A-Za-z0-9+/]{43}=$/);
    const body = JSON.stringify({ id: 'm1', type: 'subscription.purchased', data: { quantity: 3 } });
    const now = Math.floor(Date.now() / 1000);
    const headers = webhookHeaders([secret], 'm1', now, body);
    expect(headers['webhook-signature']).toMatch(/^v1,[A-Za-z0-9+/]+=*$/);
    expect(new Webhook(secret).verify(body, { ...headers })).toEqual(JSON.parse(body));
    expect(() => new Webhook(secret).verify(body.replace('3', '4'), { ...headers })).toThrow();
  });

  it('signs "{id}.{timestamp}.{body}" with HMAC-SHA256 (fixed vector)', () => {
    // The key bytes 0x00..0x1f in base64.
    const secret = `whsec_${Buffer.from(Array.from({ length: 32 }, (_, i) => i)).toString('base64')}`;
    expect(signWebhook(secret, 'msg_1', 1700000000, '{"a":1}')).toBe(new Webhook(secret).sign('msg_1', new Date(1700000000 * 1000), '{"a":1}'));
  });

  it('during a rotation both secrets sign, and either one verifies', () => {
    const [oldSecret, newSecret] = [generateWebhookSecret(), generateWebhookSecret()];
    const now = Math.floor(Date.now() / 1000);
    const headers = webhookHeaders([newSecret, oldSecret], 'm2', now, '{}');
    expect(headers['webhook-signature'].split(' ')).toHaveLength(2);
    expect(new Webhook(oldSecret).verify('{}', { ...headers })).toEqual({});
    expect(new Webhook(newSecret).verify('{}', { ...headers })).toEqual({});
  });

  it('refuses a secret that is not in the whsec_ format', () => {
    expect(() => signWebhook('plain', 'm', 1, '')).toThrow(/whsec_/);
    expect(() => signWebhook('whsec_AAAA', 'm', 1, '')).toThrow(/24 to 64 bytes/);
  });
});
