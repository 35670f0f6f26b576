import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { storage, type Store } from 'nestjs-pino/storage';
import pino, { type DestinationStream, type Level, type Logger } from 'pino';
import { requestIdsOf } from '../request-context/request-ids';

const QUIET_ROUTES = new Set(['/health', '/metrics']);
const REDACTED = { paths: ['req.headers.authorization', 'req.headers.cookie'], censor: '[redacted]' };

/**
 * JSON logs: the root pino logger (behind Nest's Logger too) and one line per answered request,
 * written from Fastify's own hooks. A request costs only what its lines need: its child logger
 * (for lines logged while it runs, which carry its ids) is made on first use, and the request
 * line only when its level is enabled.
 */
export class RequestLogging {
  readonly root: Logger;

  constructor(level: string, destination?: DestinationStream) {
    const options = { level, redact: REDACTED };
    this.root = destination ? pino(options, destination) : pino(options);
  }

  install(fastify: FastifyInstance): void {
    fastify.addHook('onRequest', (request, _reply, done) => {
      storage.run(requestStore(this.root, request), done);
    });
    fastify.addHook('onResponse', (request, reply, done) => {
      this.logAnswered(request, reply);
      done();
    });
  }

  private logAnswered(request: FastifyRequest, reply: FastifyReply): void {
    const error = (reply.raw as { err?: unknown }).err;
    const status = reply.statusCode;
    const level: Level = error || status >= 500 ? 'error' : status >= 400 ? 'warn' : 'info';
    if (!this.root.isLevelEnabled(level)) return;
    if (QUIET_ROUTES.has(request.url.split('?')[0])) return;
    this.root[level](
      {
        req: { ...requestBindings(request), headers: request.headers, remoteAddress: request.ip },
        correlationId: requestIdsOf(request.raw).correlationId,
        res: { statusCode: status },
        responseTime: Math.round(reply.elapsedTime),
        ...(error ? { err: error } : {}),
      },
      error ? 'request errored' : 'request completed',
    );
  }
}

function requestBindings(request: FastifyRequest): { id: string; method: string; url: string } {
  return { id: requestIdsOf(request.raw).requestId, method: request.method, url: request.url };
}

/** The request's logger for nestjs-pino's Logger, made when something logs during the request. */
function requestStore(root: Logger, request: FastifyRequest): Store {
  let logger: Logger | undefined;
  return {
    get logger(): Logger {
      logger ??= root.child({ req: requestBindings(request), correlationId: requestIdsOf(request.raw).correlationId });
      return logger;
    },
    set logger(value: Logger) {
      logger = value;
    },
  };
}
