import { createHash, randomBytes } from 'node:crypto';

/**
 * A relationship request token is `<requestId>.<secret>`: the id finds the request stream, the
 * 256-bit secret proves possession. Only the secret's SHA-256 is stored; a fast hash is enough for
 * a random secret of this size.
 */
export interface IssuedToken {
  token: string;
  secretHash: string;
}

const TOKEN = /^([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})\.([A-Za-z0-9_-]{43})$/;

export function hashSecret(secret: string): string {
  return createHash('sha256').update(secret, 'utf8').digest('hex');
}

export function issueToken(requestId: string): IssuedToken {
  const secret = randomBytes(32).toString('base64url');
  return { token: `${requestId}.${secret}`, secretHash: hashSecret(secret) };
}

export function parseToken(token: string): { requestId: string; secretHash: string } | null {
  const match = TOKEN.exec(token);
  return match ? { requestId: match[1], secretHash: hashSecret(match[2]) } : null;
}
