import { BlockList, isIP } from 'node:net';
import { lookup } from 'node:dns/promises';
import { invalid, type DomainError } from '../../../core/src';

export type UrlPolicyEnv = 'development' | 'test' | 'production';

/** Resolves a host name to its addresses (injectable so tests need no DNS). */
export type HostResolver = (host: string) => Promise<string[]>;

export const systemResolver: HostResolver = async (host) => (await lookup(host, { all: true, verbatim: true })).map((entry) => entry.address);

export const MAX_WEBHOOK_URL_LENGTH = 2048;

/** Stable codes of refused URLs (all 400). */
export const URL_ERRORS = {
  invalid: 'webhook-url-invalid',
  scheme: 'webhook-url-scheme-not-allowed',
  httpsRequired: 'webhook-url-https-required',
  address: 'webhook-url-address-not-allowed',
  unresolvable: 'webhook-url-unresolvable',
} as const;

// Addresses no webhook may reach in production: private, loopback, link-local, shared (CGNAT),
// multicast, reserved and documentation ranges, in both families.
const NON_PUBLIC = new BlockList();
for (const [network, prefix] of [
  ['0.0.0.0', 8],
  ['10.0.0.0', 8],
  ['100.64.0.0', 10],
  ['127.0.0.0', 8],
  ['169.254.0.0', 16],
  ['172.16.0.0', 12],
  ['192.0.0.0', 24],
  ['192.0.2.0', 24],
  ['192.168.0.0', 16],
  ['198.18.0.0', 15],
  ['198.51.100.0', 24],
  ['203.0.113.0', 24],
  ['224.0.0.0', 4],
  ['240.0.0.0', 4],
] as const) {
  NON_PUBLIC.addSubnet(network, prefix, 'ipv4');
}
for (const [network, prefix] of [
  ['::', 128],
  ['::1', 128],
  ['64:ff9b:1::', 48],
  ['100::', 64],
  ['2001:db8::', 32],
  ['fc00::', 7],
  ['fe80::', 10],
  ['fec0::', 10],
  ['ff00::', 8],
] as const) {
  NON_PUBLIC.addSubnet(network, prefix, 'ipv6');
}

/** An IPv4 address mapped into IPv6 (`::ffff:10.0.0.1`) is judged as the IPv4 address. */
function unmapped(address: string): string {
  const match = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(address);
  return match ? match[1] : address;
}

export function isPublicAddress(address: string): boolean {
  const ip = unmapped(address);
  const family = isIP(ip);
  if (family === 0) return false;
  return !NON_PUBLIC.check(ip, family === 4 ? 'ipv4' : 'ipv6');
}

export function isLoopbackHost(hostname: string): boolean {
  const host = bareHost(hostname).toLowerCase();
  if (host === 'localhost' || host.endsWith('.localhost')) return true;
  const ip = unmapped(host);
  if (isIP(ip) === 4) return ip.startsWith('127.');
  return ip === '::1';
}

/** `[::1]` -> `::1`. */
function bareHost(hostname: string): string {
  return hostname.startsWith('[') && hostname.endsWith(']') ? hostname.slice(1, -1) : hostname;
}

/** Syntax only: an absolute http(s) URL without credentials or fragment. Throws a 400 DomainError. */
export function parseWebhookUrl(raw: string): URL {
  if (typeof raw !== 'string' || raw.length === 0 || raw.length > MAX_WEBHOOK_URL_LENGTH) {
    throw invalid(URL_ERRORS.invalid, `url must be an absolute URL of at most ${MAX_WEBHOOK_URL_LENGTH} characters`, { field: 'url' });
  }
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw invalid(URL_ERRORS.invalid, 'url is not a valid absolute URL', { field: 'url' });
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') {
    throw invalid(URL_ERRORS.scheme, `url must use https (got ${url.protocol.replace(/:$/, '')})`, { field: 'url' });
  }
  if (url.username !== '' || url.password !== '') {
    throw invalid(URL_ERRORS.invalid, 'url must not carry credentials; the signature authenticates deliveries', { field: 'url' });
  }
  if (url.hash !== '') throw invalid(URL_ERRORS.invalid, 'url must not have a fragment', { field: 'url' });
  if (url.hostname === '') throw invalid(URL_ERRORS.invalid, 'url has no host', { field: 'url' });
  return url;
}

/**
 * Whether a webhook may be sent to `raw` in `env`: https everywhere; plain http only to a
 * loopback host and only in development and test; in production the host must resolve to public
 * addresses only (checked again before every delivery, since DNS answers change).
 */
export async function checkWebhookUrl(raw: string, env: UrlPolicyEnv, resolve: HostResolver = systemResolver): Promise<URL> {
  const url = parseWebhookUrl(raw);
  if (env !== 'production') {
    if (url.protocol === 'http:' && !isLoopbackHost(url.hostname)) {
      throw invalid(URL_ERRORS.httpsRequired, 'url must use https (plain http is allowed only to a loopback host outside production)', {
        field: 'url',
      });
    }
    return url;
  }
  if (url.protocol !== 'https:') throw invalid(URL_ERRORS.httpsRequired, 'url must use https', { field: 'url' });
  const host = bareHost(url.hostname);
  let addresses: string[];
  if (isIP(unmapped(host)) !== 0) addresses = [host];
  else {
    try {
      addresses = await resolve(host);
    } catch {
      throw invalid(URL_ERRORS.unresolvable, `the host ${host} of url does not resolve`, { field: 'url' });
    }
    if (addresses.length === 0) throw invalid(URL_ERRORS.unresolvable, `the host ${host} of url does not resolve`, { field: 'url' });
  }
  const refused = addresses.find((address) => !isPublicAddress(address));
  if (refused !== undefined) {
    throw invalid(URL_ERRORS.address, 'url must reach a public address (private, loopback and link-local addresses are refused)', {
      field: 'url',
    });
  }
  return url;
}

export function isUrlPolicyError(error: unknown): error is DomainError {
  return error instanceof Error && 'code' in error && Object.values(URL_ERRORS).includes((error as DomainError).code as never);
}
