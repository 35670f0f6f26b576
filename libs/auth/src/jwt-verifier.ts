import { createSecretKey, type KeyObject } from 'node:crypto';
import { createRemoteJWKSet, errors, jwtVerify, type JWTVerifyGetKey } from 'jose';
import type { AuthConfig } from '../../config/src/app-config';
import type { AuthenticatedActor } from './auth.types';
import { actorFromClaims, AuthenticationError } from './claims';

const ASYMMETRIC = ['RS256', 'RS384', 'RS512', 'PS256', 'PS384', 'PS512', 'ES256', 'ES384', 'ES512', 'EdDSA'];
const CLOCK_TOLERANCE_SECONDS = 5;
/** Verified tokens kept, and for how long at most (a key removed from the JWKS stops counting by then). */
const VERIFIED_TOKENS = 10_000;
const VERIFIED_FOR_MS = 60_000;

interface VerifiedToken {
  actor: AuthenticatedActor;
  notBefore?: number;
  expiresAt?: number;
  /** Epoch ms after which the signature is checked again. */
  until: number;
}

/** Verifies bearer tokens: JWKS (asymmetric) when a URL is configured, else HS256 with the secret. */
export class JwtVerifier {
  private readonly key: KeyObject | JWTVerifyGetKey;
  private readonly algorithms: string[];
  /**
   * Tokens this process verified, by their exact text: a client sends the same token with every
   * request, and its signature and claims cannot change, so a repeat costs a lookup instead of a
   * signature check. Time claims (exp, nbf) are still checked on every request.
   */
  private readonly verified = new Map<string, VerifiedToken>();

  constructor(config: AuthConfig, jwks?: JWTVerifyGetKey) {
    if (jwks || config.jwksUrl) {
      this.key = jwks ?? createRemoteJWKSet(new URL(config.jwksUrl as string));
      this.algorithms = ASYMMETRIC;
    } else if (config.jwtSecret) {
      // A key object made once: jose would otherwise import the raw secret on every request.
      this.key = createSecretKey(Buffer.from(config.jwtSecret, 'utf8'));
      this.algorithms = ['HS256'];
    } else {
      throw new Error('auth needs AUTH_JWT_SECRET or AUTH_JWKS_URL');
    }
  }

  async verify(token: string): Promise<AuthenticatedActor> {
    const now = Date.now();
    const known = this.verified.get(token);
    if (known && now < known.until && timeClaimsHold(known, now)) return { ...known.actor, roles: [...known.actor.roles] };

    let payload: Record<string, unknown>;
    try {
      const options = { algorithms: this.algorithms, clockTolerance: CLOCK_TOLERANCE_SECONDS };
      const result = typeof this.key !== 'function' ? await jwtVerify(token, this.key, options) : await jwtVerify(token, this.key, options);
      payload = result.payload;
    } catch (error) {
      this.verified.delete(token);
      throw new AuthenticationError(describe(error));
    }
    const actor = actorFromClaims(payload);
    if (this.verified.size >= VERIFIED_TOKENS) this.verified.delete(this.verified.keys().next().value as string);
    this.verified.set(token, {
      actor: { ...actor, roles: [...actor.roles] },
      ...(typeof payload.nbf === 'number' ? { notBefore: payload.nbf } : {}),
      ...(typeof payload.exp === 'number' ? { expiresAt: payload.exp } : {}),
      until: now + VERIFIED_FOR_MS,
    });
    return actor;
  }
}

/** The `exp` and `nbf` checks of jwtVerify, in whole seconds with the same tolerance. */
function timeClaimsHold(token: VerifiedToken, nowMs: number): boolean {
  const now = Math.floor(nowMs / 1000);
  if (token.expiresAt !== undefined && token.expiresAt <= now - CLOCK_TOLERANCE_SECONDS) return false;
  return token.notBefore === undefined || token.notBefore <= now + CLOCK_TOLERANCE_SECONDS;
}

function describe(error: unknown): string {
  if (error instanceof errors.JWTExpired) return 'the token has expired';
  if (error instanceof errors.JWSSignatureVerificationFailed) return 'the token signature is invalid';
  if (error instanceof errors.JWTClaimValidationFailed) return `the token claim "${error.claim}" is invalid`;
  if (error instanceof errors.JOSEAlgNotAllowed) return 'the token algorithm is not accepted';
  if (error instanceof errors.JWKSNoMatchingKey) return 'no key matches the token';
  if (error instanceof errors.JWSInvalid || error instanceof errors.JWTInvalid) return 'the token is malformed';
  return 'the token could not be verified';
}

/** The bearer token of an Authorization header, or null when there is none. */
export function bearerToken(header: string | string[] | undefined): string | null {
  if (typeof header !== 'string') return null;
  const match = /^Bearer\s+(\S+)\s*$/i.exec(header);
  return match ? match[1] : null;
}
