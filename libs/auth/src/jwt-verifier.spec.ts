import { SignJWT } from 'jose';
import { AuthenticationError } from './claims';
import { JwtVerifier } from './jwt-verifier';

const SECRET = 'unit-test-secret-unit-test-secret-0123';
const START = new Date('2025-06-01T12:00:00.000Z');

const sign = (expiresAt: Date, secret = SECRET) =>
  new SignJWT({ tid: 'tenant-a', roles: ['admin-agent'] })
    .setProtectedHeader({ alg: 'HS256' })
    .setSubject('user-1')
    .setExpirationTime(Math.floor(expiresAt.getTime() / 1000))
    .sign(new TextEncoder().encode(secret));

describe('JwtVerifier: verified tokens', () => {
  beforeEach(() => jest.useFakeTimers({ now: START, doNotFake: ['nextTick', 'setImmediate', 'queueMicrotask'] }));
  afterEach(() => jest.useRealTimers());

  it('a token verified once is still refused after it expires', async () => {
    const verifier = new JwtVerifier({ jwtSecret: SECRET });
    const token = await sign(new Date(START.getTime() + 30_000));
    await expect(verifier.verify(token)).resolves.toEqual({ userId: 'user-1', tenantId: 'tenant-a', roles: ['admin-agent'] });
    jest.setSystemTime(START.getTime() + 20_000);
    await expect(verifier.verify(token)).resolves.toMatchObject({ userId: 'user-1' });
    // Expired beyond the 5 s clock tolerance.
    jest.setSystemTime(START.getTime() + 36_000);
    await expect(verifier.verify(token)).rejects.toThrow('the token has expired');
  });

  it('a token with a bad signature is refused every time', async () => {
    const verifier = new JwtVerifier({ jwtSecret: SECRET });
    const forged = await sign(new Date(START.getTime() + 60_000), 'another-secret-another-secret-012345');
    await expect(verifier.verify(forged)).rejects.toThrow(AuthenticationError);
    await expect(verifier.verify(forged)).rejects.toThrow('the token signature is invalid');
  });

  it('each request gets its own actor object', async () => {
    const verifier = new JwtVerifier({ jwtSecret: SECRET });
    const token = await sign(new Date(START.getTime() + 60_000));
    const first = await verifier.verify(token);
    first.roles.push('operator');
    await expect(verifier.verify(token)).resolves.toEqual({ userId: 'user-1', tenantId: 'tenant-a', roles: ['admin-agent'] });
  });
});
