import { createHash } from 'node:crypto';
import { Inject, Injectable, SetMetadata, type CallHandler, type ExecutionContext, type NestInterceptor } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { Reflector } from '@nestjs/core';
import { from, mergeMap, catchError, of, type Observable } from 'rxjs';
import type { Actor } from '../../../../libs/core/src';
import { DATABASE, type DatabaseHandle } from '../../../../libs/persistence/src/database';
import { PROBLEM_CONTENT_TYPE, ProblemError, isServerFault } from '../errors/problem';
import { problemForRequest } from '../errors/problem.filter';
import { IDEMPOTENCY_RETENTION_HOURS, IdempotencyStore } from './idempotency.store';

export const IDEMPOTENCY_HEADER = 'idempotency-key';
export const REPLAYED_HEADER = 'idempotent-replayed';
export const OMITTED_HEADER = 'idempotent-replay-omitted';
const SECRET_FIELDS = 'idempotency:secretFields';

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
const VALID_KEY = /^[\x21-\x7e]{1,255}$/;

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

/**
 * `Idempotency-Key` on POST: the first answer (2xx or 4xx) is stored and replayed for the same
 * key, method, path and body; another request under the key is refused (422); a duplicate that
 * arrives while the first still runs gets 409. A 5xx releases the key so the client can retry.
 */
@Injectable()
export class IdempotencyInterceptor implements NestInterceptor {
  private readonly store: IdempotencyStore;

  constructor(
    @Inject(DATABASE) database: DatabaseHandle,
    private readonly reflector: Reflector,
  ) {
    this.store = new IdempotencyStore(database.db);
  }

  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    if (context.getType() !== 'http') return next.handle();
    const request = context.switchToHttp().getRequest<FastifyRequest & { actor?: Actor }>();
    const header = request.headers[IDEMPOTENCY_HEADER];
    if (request.method !== 'POST' || header === undefined) return next.handle();
    if (typeof header !== 'string' || !VALID_KEY.test(header)) {
      throw new ProblemError(400, 'invalid-idempotency-key', 'the Idempotency-Key header must be 1 to 255 visible ASCII characters');
    }

    const reply = context.switchToHttp().getResponse<FastifyReply>();
    const tenantId = request.actor?.tenantId ?? 'anonymous';
    const hash = requestHash(request.method, request.url, request.body);
    const secretFields = this.reflector.get<string[] | undefined>(SECRET_FIELDS, context.getHandler()) ?? [];

    return from(this.store.claim(tenantId, header, hash)).pipe(
      mergeMap((claim) => {
        switch (claim.outcome) {
          case 'reused':
            throw new ProblemError(
              422,
              'idempotency-key-reused',
              `the Idempotency-Key was already used for another request in the last ${IDEMPOTENCY_RETENTION_HOURS} hours`,
            );
          case 'in-progress':
            throw new ProblemError(409, 'idempotency-key-in-progress', 'a request with this Idempotency-Key is still being processed; retry later');
          case 'replay':
            void reply.status(claim.status).header(REPLAYED_HEADER, 'true');
            if (secretFields.length && claim.status < 400) void reply.header(OMITTED_HEADER, secretFields.join(','));
            if (claim.status >= 400) void reply.header('content-type', PROBLEM_CONTENT_TYPE);
            return of(claim.body);
          case 'claimed':
            return next.handle().pipe(
              mergeMap(async (body: unknown) => {
                await this.store.complete(tenantId, header, reply.statusCode, withoutFields(body, secretFields));
                return body;
              }),
              catchError(async (error: unknown) => {
                const problem = problemForRequest(error, request);
                if (isServerFault(problem.status)) await this.store.release(tenantId, header).catch(() => undefined);
                else await this.store.complete(tenantId, header, problem.status, problem);
                throw error;
              }),
            );
        }
      }),
    );
  }
}
