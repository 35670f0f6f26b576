import 'reflect-metadata';
import { ForbiddenException, UnauthorizedException, type ExecutionContext } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { generateKeyPair, SignJWT, createLocalJWKSet, exportJWK } from 'jose';
import { AuthGuard } from './auth.guard';
import type { AuthenticatedActor, Role } from './auth.types';
import { actorFromClaims, AuthenticationError } from './claims';
import { Public, Roles } from './decorators';
import { JwtVerifier, bearerToken } from './jwt-verifier';
import { signDevToken } from './sign-token';

const SECRET = 'unit-test-secret-unit-test-secret-0123';
const verifier = new JwtVerifier({ jwtSecret: SECRET });
const guard = new AuthGuard(new Reflector(), verifier);

class Routes {
  open() {}
  @Public() publicRoute() {}
  @Roles('admin-agent', 'global-admin') adminOnly() {}
}
@Roles('operator')
class OperatorRoutes {
  any() {}
  @Roles('sales-agent') override() {}
}

function contextFor(target: object, handler: string, authorization?: string) {
  const request: { headers: Record<string, string>; actor?: AuthenticatedActor } = {
    headers: authorization ? { authorization } : {},
  };
  const context = {
    getType: () => 'http',
    getHandler: () => (target as Record<string, unknown>)[handler],
    getClass: () => target.constructor,
    switchToHttp: () => ({ getRequest: () => request }),
  } as unknown as ExecutionContext;
  return { context, request };
}

const token = (roles: Role[], tenantId = 'tenant-a', secret = SECRET) =>
  signDevToken({ secret, tenantId, roles, userId: 'user-1' });

describe('AuthGuard', () => {
  it('refuses a request without a token (401)', async () => {
    const { context } = contextFor(new Routes(), 'open');
    await expect(guard.canActivate(context)).rejects.toThrow(UnauthorizedException);
  });

  it('refuses a token with a bad signature (401)', async () => {
    const { context } = contextFor(new Routes(), 'open', `Bearer ${await token(['admin-agent'], 'tenant-a', 'another-secret-another-secret-012345')}`);
    await expect(guard.canActivate(context)).rejects.toThrow('the token signature is invalid');
  });

  it('refuses a malformed or non-bearer Authorization header (401)', async () => {
    await expect(guard.canActivate(contextFor(new Routes(), 'open', 'Bearer not.a.jwt').context)).rejects.toThrow(UnauthorizedException);
    await expect(guard.canActivate(contextFor(new Routes(), 'open', `Basic ${await token(['admin-agent'])}`).context)).rejects.toThrow(
      'a bearer token is required',
    );
  });

  it('puts the verified actor on the request', async () => {
    const { context, request } = contextFor(new Routes(), 'open', `Bearer ${await token(['sales-agent'])}`);
    await expect(guard.canActivate(context)).resolves.toBe(true);
    expect(request.actor).toEqual({ userId: 'user-1', tenantId: 'tenant-a', roles: ['sales-agent'] });
  });

  it('lets @Public() routes through without a token, and ignores a bad one', async () => {
    await expect(guard.canActivate(contextFor(new Routes(), 'publicRoute').context)).resolves.toBe(true);
    const { context, request } = contextFor(new Routes(), 'publicRoute', 'Bearer garbage');
    await expect(guard.canActivate(context)).resolves.toBe(true);
    expect(request.actor).toBeUndefined();
  });

  it('R-ROLE-1: @Roles() lets a holder of any listed role in and refuses others with 403', async () => {
    await expect(guard.canActivate(contextFor(new Routes(), 'adminOnly', `Bearer ${await token(['global-admin'])}`).context)).resolves.toBe(true);
    await expect(guard.canActivate(contextFor(new Routes(), 'adminOnly', `Bearer ${await token(['sales-agent'])}`).context)).rejects.toThrow(
      ForbiddenException,
    );
  });

  it('a handler-level @Roles() overrides the class-level one', async () => {
    const sales = `Bearer ${await token(['sales-agent'])}`;
    await expect(guard.canActivate(contextFor(new OperatorRoutes(), 'any', sales).context)).rejects.toThrow(ForbiddenException);
    await expect(guard.canActivate(contextFor(new OperatorRoutes(), 'override', sales).context)).resolves.toBe(true);
  });

  it('refuses an expired token', async () => {
    const expired = await new SignJWT({ tid: 't', roles: [] })
      .setProtectedHeader({ alg: 'HS256' })
      .setSubject('u')
      .setExpirationTime(Math.floor(Date.now() / 1000) - 60)
      .sign(new TextEncoder().encode(SECRET));
    await expect(guard.canActivate(contextFor(new Routes(), 'open', `Bearer ${expired}`).context)).rejects.toThrow('the token has expired');
  });

  it('refuses the "none" algorithm', async () => {
    const header = Buffer.from(JSON.stringify({ alg: 'none' })).toString('base64url');
    const body = Buffer.from(JSON.stringify({ sub: 'u', tid: 't', roles: ['operator'] })).toString('base64url');
    await expect(verifier.verify(`${header}.${body}.`)).rejects.toThrow(AuthenticationError);
  });
});

describe('actorFromClaims', () => {
  it('requires sub, tid and an array of known roles', () => {
    expect(() => actorFromClaims({ tid: 't', roles: [] })).toThrow('"sub"');
    expect(() => actorFromClaims({ sub: 'u', roles: [] })).toThrow('"tid"');
    expect(() => actorFromClaims({ sub: 'u', tid: 't', roles: 'admin-agent' })).toThrow('array of strings');
    expect(() => actorFromClaims({ sub: 'u', tid: 't', roles: ['admin-agent', 'root'] })).toThrow('unknown roles: root');
  });

  it('accepts the operator role only in the operator tenant', () => {
    expect(() => actorFromClaims({ sub: 'u', tid: 'tenant-a', roles: ['operator'] })).toThrow('operator role');
    expect(actorFromClaims({ sub: 'u', tid: 'operator', roles: ['operator'] })).toEqual({ userId: 'u', tenantId: 'operator', roles: ['operator'] });
  });
});

describe('bearerToken', () => {
  it('reads the token of a Bearer header, case-insensitively', () => {
    expect(bearerToken('Bearer abc.def.ghi')).toBe('abc.def.ghi');
    expect(bearerToken('bearer   abc')).toBe('abc');
    expect(bearerToken('Bearer')).toBeNull();
    expect(bearerToken(undefined)).toBeNull();
    expect(bearerToken(['Bearer a'])).toBeNull();
  });
});

describe('JwtVerifier with a key set', () => {
  it('verifies asymmetric tokens against the key set and refuses HS256 ones', async () => {
    const { publicKey, privateKey } = await generateKeyPair('ES256');
    const jwk = { ...(await exportJWK(publicKey)), kid: 'k1', alg: 'ES256' };
    const jwksVerifier = new JwtVerifier({}, createLocalJWKSet({ keys: [jwk] }));
    const signed = await new SignJWT({ tid: 'tenant-b', roles: ['admin-agent'] })
      .setProtectedHeader({ alg: 'ES256', kid: 'k1' })
      .setSubject('user-9')
      .setExpirationTime('1h')
      .sign(privateKey);
    await expect(jwksVerifier.verify(signed)).resolves.toEqual({ userId: 'user-9', tenantId: 'tenant-b', roles: ['admin-agent'] });
    await expect(jwksVerifier.verify(await token(['admin-agent']))).rejects.toThrow(AuthenticationError);
  });
});
