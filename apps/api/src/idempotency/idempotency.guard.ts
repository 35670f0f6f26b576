import { Inject, Injectable, RequestMethod, type CanActivate, type ExecutionContext, type INestApplication } from '@nestjs/common';
import { GUARDS_METADATA, METHOD_METADATA } from '@nestjs/common/constants';
import { MetadataScanner, ModulesContainer, Reflector } from '@nestjs/core';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Actor } from '../../../../libs/core/src';
import { DATABASE, type DatabaseHandle } from '../../../../libs/persistence/src/database';
import { PROBLEM_CONTENT_TYPE, ProblemError, isServerFault, type SelfAnswering } from '../errors/problem';
import { problemForRequest } from '../errors/problem.filter';
import { IDEMPOTENCY_HEADER, OMITTED_HEADER, REPLAYED_HEADER, SECRET_FIELDS, VALID_KEY, requestHash, withoutFields } from './idempotency-key';
import { IDEMPOTENCY_RETENTION_HOURS, IdempotencyStore } from './idempotency.store';

const CLAIM = Symbol('idempotencyClaim');

interface Claim {
  tenantId: string;
  key: string;
  secretFields: readonly string[];
}

type IdempotentRequest = FastifyRequest & { actor?: Actor; [CLAIM]?: Claim };

/** The first answer under a key, sent again in place of the route's own answer. */
export class IdempotentReplay extends Error implements SelfAnswering {
  constructor(
    readonly status: number,
    readonly body: unknown,
    private readonly omitted: readonly string[],
  ) {
    super('idempotent replay');
    this.name = 'IdempotentReplay';
  }

  answer(reply: FastifyReply): void {
    void reply.status(this.status).header(REPLAYED_HEADER, 'true');
    if (this.omitted.length && this.status < 400) void reply.header(OMITTED_HEADER, this.omitted.join(','));
    if (this.status >= 400) void reply.header('content-type', PROBLEM_CONTENT_TYPE);
    void reply.send(this.body);
  }
}

/**
 * `Idempotency-Key` on POST: the first answer (2xx or 4xx) is stored and replayed for the same
 * key, method, path and body; another request under the key is refused (422); a duplicate that
 * arrives while the first still runs gets 409. A 5xx releases the key so the client can retry.
 *
 * A guard on the POST routes claims the key once the caller is authenticated (validation and the
 * handler run after it, so their answers are stored too), and Fastify's onSend hook stores the
 * answer before it goes out. Not a Nest interceptor: Nest runs interceptors through an rxjs
 * pipeline on every request of the route, whether or not it carries the header.
 */
@Injectable()
export class IdempotencyGuard implements CanActivate {
  private readonly store: IdempotencyStore;

  constructor(
    @Inject(DATABASE) database: DatabaseHandle,
    private readonly reflector: Reflector,
  ) {
    this.store = new IdempotencyStore(database.db);
  }

  async canActivate(context: ExecutionContext): Promise<boolean> {
    if (context.getType() !== 'http') return true;
    const request = context.switchToHttp().getRequest<IdempotentRequest>();
    const header = request.headers[IDEMPOTENCY_HEADER];
    if (request.method !== 'POST' || header === undefined) return true;
    if (typeof header !== 'string' || !VALID_KEY.test(header)) {
      throw new ProblemError(400, 'invalid-idempotency-key', 'the Idempotency-Key header must be 1 to 255 visible ASCII characters');
    }
    const tenantId = request.actor?.tenantId ?? 'anonymous';
    const secretFields = this.reflector.get<string[] | undefined>(SECRET_FIELDS, context.getHandler()) ?? [];
    const claim = await this.store.claim(tenantId, header, requestHash(request.method, request.url, request.body));
    switch (claim.outcome) {
      case 'reused':
        throw new ProblemError(422, 'idempotency-key-reused', `the Idempotency-Key was already used for another request in the last ${IDEMPOTENCY_RETENTION_HOURS} hours`);
      case 'in-progress':
        throw new ProblemError(409, 'idempotency-key-in-progress', 'a request with this Idempotency-Key is still being processed; retry later');
      case 'replay':
        throw new IdempotentReplay(claim.status, claim.body, secretFields);
      case 'claimed':
        request[CLAIM] = { tenantId, key: header, secretFields };
        return true;
    }
  }

  /** Stores the answer of a request that claimed a key (or frees the key after a 5xx) before it is sent. */
  install(fastify: FastifyInstance): void {
    fastify.addHook('onSend', (request, reply, payload, done) => {
      const claim = (request as IdempotentRequest)[CLAIM];
      if (!claim) return done(null, payload);
      (request as IdempotentRequest)[CLAIM] = undefined;
      this.settle(claim, reply.statusCode, payload).then(
        () => done(null, payload),
        (error: unknown) => {
          // The answer could not be stored: free the key, and answer 500 so the client retries.
          void this.store.release(claim.tenantId, claim.key).catch(() => undefined);
          void reply.status(500).header('content-type', PROBLEM_CONTENT_TYPE);
          done(null, JSON.stringify(problemForRequest(error, request)));
        },
      );
    });
  }

  private async settle(claim: Claim, status: number, payload: unknown): Promise<void> {
    if (isServerFault(status)) {
      await this.store.release(claim.tenantId, claim.key).catch(() => undefined);
      return;
    }
    const text = typeof payload === 'string' ? payload : Buffer.isBuffer(payload) ? payload.toString('utf8') : '';
    const body: unknown = text === '' ? undefined : JSON.parse(text);
    await this.store.complete(claim.tenantId, claim.key, status, withoutFields(body, claim.secretFields));
  }
}

/** The methods the Idempotency-Key can apply to. */
const IDEMPOTENT_METHODS = new Set([RequestMethod.POST, RequestMethod.ALL]);

/**
 * Puts the idempotency guard on every POST route (after the global auth guard) and its hook on
 * Fastify. Call before `app.init()`, which builds the routes.
 */
export function installIdempotency(app: INestApplication, fastify: FastifyInstance): void {
  const guard = app.get(IdempotencyGuard);
  const scanner = new MetadataScanner();
  for (const module of app.get(ModulesContainer).values()) {
    for (const { metatype } of module.controllers.values()) {
      const prototype = (metatype as { prototype?: Record<string, unknown> } | null)?.prototype;
      if (!prototype) continue;
      for (const name of scanner.getAllMethodNames(prototype)) {
        const handler = prototype[name] as object;
        if (!IDEMPOTENT_METHODS.has(Reflect.getMetadata(METHOD_METADATA, handler))) continue;
        const own: unknown[] = Reflect.getMetadata(GUARDS_METADATA, handler) ?? [];
        if (!own.includes(guard)) Reflect.defineMetadata(GUARDS_METADATA, [...own, guard], handler);
      }
    }
  }
  guard.install(fastify);
}
