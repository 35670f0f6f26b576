import { SignJWT } from 'jose';
import type { Role } from './auth.types';

export interface DevTokenInput {
  secret: string;
  tenantId: string;
  roles: readonly Role[];
  userId: string;
  /** jose time span, e.g. "8h", "30m". */
  ttl?: string;
}

/** A HS256 token with the claims the API reads (`sub`, `tid`, `roles`), for development and tests. */
export async function signDevToken(input: DevTokenInput): Promise<string> {
  return new SignJWT({ tid: input.tenantId, roles: [...input.roles] })
    .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
    .setSubject(input.userId)
    .setIssuedAt()
    .setExpirationTime(input.ttl ?? '8h')
    .sign(new TextEncoder().encode(input.secret));
}
