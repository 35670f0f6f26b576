import { createSecretKey, type KeyObject } from 'node:crypto';
import { createRemoteJWKSet, errors, jwtVerify, type JWTVerifyGetKey } from 'jose';
import type { AuthConfig } from '../../config/src/app-config';
import type { AuthenticatedActor } from './auth.types';
import { actorFromClaims, AuthenticationError } from './claims';

const ASYMMETRIC = ['RS256', 'RS384', 'RS512', 'PS256', 'PS384', 'PS512', 'ES256', 'ES384', 'ES512', 'EdDSA'];

/** Verifies bearer tokens: JWKS (asymmetric) when a URL is configured, else HS256 with the secret. */
export class JwtVerifier {
  private readonly key: KeyObject | JWTVerifyGetKey;
  private readonly algorithms: string[];

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
    let payload: Record<string, unknown>;
    try {
      const result =
        typeof this.key !== 'function'
          ? await jwtVerify(token, this.key, { algorithms: this.algorithms, clockTolerance: 5 })
          : await jwtVerify(token, this.key, { algorithms: this.algorithms, clockTolerance: 5 });
      payload = result.payload;
    } catch (error) {
      throw new AuthenticationError(describe(error));
    }
    return actorFromClaims(payload);
  }
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
