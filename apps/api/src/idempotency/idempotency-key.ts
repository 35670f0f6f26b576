import { SetMetadata } from '@nestjs/common';
import { createHash } from 'node:crypto';

export const IDEMPOTENCY_HEADER = 'idempotency-key';
export const REPLAYED_HEADER = 'idempotent-replayed';
export const OMITTED_HEADER = 'idempotent-replay-omitted';
export const SECRET_FIELDS = 'idempotency:secretFields';
export const VALID_KEY = /^[\x21-\x7e]{1,255}$/;

/**
 * Top-level response fields that are shown once and never stored (R-CUST-1: a temporary password,
 * a relationship token, a webhook secret). A replay answers without them and names them in the
 * `Idempotent-Replay-Omitted` header.
 */
export const ShownOnce = (...fields: string[]) => SetMetadata(SECRET_FIELDS, fields);

export function withoutFields(body: unknown, fields: readonly string[]): unknown {
  if (!fields.length || !body || typeof body !== 'object' || Array.isArray(body)) return body;
  return Object.fromEntries(Object.entries(body).filter(([key]) => !fields.includes(key)));
}

/** JSON with object keys sorted, so the same body always hashes the same. */
export function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map((v) => canonicalJson(v === undefined ? null : v)).join(',')}]`;
  if (value && typeof value === 'object') {
    const entries = Object.keys(value)
      .sort()
      .filter((k) => (value as Record<string, unknown>)[k] !== undefined)
      .map((k) => `${JSON.stringify(k)}:${canonicalJson((value as Record<string, unknown>)[k])}`);
    return `{${entries.join(',')}}`;
  }
  return JSON.stringify(value) ?? 'null';
}

export function requestHash(method: string, url: string, body: unknown): string {
  return createHash('sha256').update(`${method} ${url}\n${canonicalJson(body)}`).digest('hex');
}
