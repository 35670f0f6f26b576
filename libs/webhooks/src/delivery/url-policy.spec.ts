import { DomainError } from '../../../core/src';
import { checkWebhookUrl, isLoopbackHost, isPublicAddress, type HostResolver } from './url-policy';

const resolveTo =
  (addresses: Record<string, string[]>): HostResolver =>
  async (host) => {
    if (!(host in addresses)) throw new Error('ENOTFOUND');
    return addresses[host];
  };

async function codeOf(promise: Promise<unknown>): Promise<string> {
  try {
    await promise;
  } catch (error) {
    expect(error).toBeInstanceOf(DomainError);
    expect((error as DomainError).kind).toBe('invalid');
    return (error as DomainError).code;
  }
  throw new Error('expected a refusal');
}

describe('webhook URL rules', () => {
  const resolver = resolveTo({ 'hooks.example.com': ['93.184.216.34'], 'internal.example.com': ['10.1.2.3'], 'mixed.example.com': ['93.184.216.34', '169.254.169.254'] });

  it('R-HOOK-1: refuses what is not a URL, or not http(s), with stable codes', async () => {
    expect(await codeOf(checkWebhookUrl('not a url', 'test'))).toBe('webhook-url-invalid');
    expect(await codeOf(checkWebhookUrl('ftp://files.example.com/x', 'test'))).toBe('webhook-url-scheme-not-allowed');
    expect(await codeOf(checkWebhookUrl('https://user:pw@hooks.example.com/', 'test'))).toBe('webhook-url-invalid');
    expect(await codeOf(checkWebhookUrl('https://hooks.example.com/#x', 'test'))).toBe('webhook-url-invalid');
  });

  it('allows http to loopback only outside production', async () => {
    for (const url of ['http://127.0.0.1:8080/hook', 'http://localhost:3000/x', 'http://[::1]:9000/']) {
      expect((await checkWebhookUrl(url, 'test')).toString()).toBe(new URL(url).toString());
      expect((await checkWebhookUrl(url, 'development')).toString()).toBe(new URL(url).toString());
      expect(await codeOf(checkWebhookUrl(url, 'production', resolver))).toBe('webhook-url-https-required');
    }
    expect(await codeOf(checkWebhookUrl('http://hooks.example.com/', 'test'))).toBe('webhook-url-https-required');
    expect((await checkWebhookUrl('https://hooks.example.com/', 'test')).hostname).toBe('hooks.example.com');
  });

  it('in production refuses hosts that resolve to private, loopback or link-local addresses', async () => {
    expect((await checkWebhookUrl('https://hooks.example.com/x', 'production', resolver)).hostname).toBe('hooks.example.com');
    expect(await codeOf(checkWebhookUrl('https://internal.example.com/x', 'production', resolver))).toBe('webhook-url-address-not-allowed');
    expect(await codeOf(checkWebhookUrl('https://mixed.example.com/x', 'production', resolver))).toBe('webhook-url-address-not-allowed');
    expect(await codeOf(checkWebhookUrl('https://192.168.1.10/x', 'production', resolver))).toBe('webhook-url-address-not-allowed');
    expect(await codeOf(checkWebhookUrl('https://[fe80::1]/x', 'production', resolver))).toBe('webhook-url-address-not-allowed');
    expect(await codeOf(checkWebhookUrl('https://[::ffff:10.0.0.1]/x', 'production', resolver))).toBe('webhook-url-address-not-allowed');
    expect(await codeOf(checkWebhookUrl('https://nowhere.example.com/x', 'production', resolver))).toBe('webhook-url-unresolvable');
  });

  it('classifies addresses', () => {
    expect(['8.8.8.8', '2606:4700::1111'].map(isPublicAddress)).toEqual([true, true]);
    expect(['10.0.0.1', '172.16.5.4', '192.168.0.1', '127.0.0.1', '169.254.169.254', '100.64.0.1', '0.0.0.0', '::1', 'fc00::1', 'fe80::1', 'not-an-ip'].map(isPublicAddress)).toEqual(
      Array(11).fill(false),
    );
    expect(['localhost', 'api.localhost', '127.0.0.2', '[::1]'].map(isLoopbackHost)).toEqual([true, true, true, true]);
    expect(['example.com', '10.0.0.1'].map(isLoopbackHost)).toEqual([false, false]);
  });
});
