import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import pino, { type DestinationStream, type Level, type Logger } from 'pino';
import { requestIdsOf } from '../request-context/request-ids';

const QUIET_ROUTES = new Set(['/health', '/metrics']);
const REDACTED = { paths: ['req.headers.authorization', 'req.headers.cookie'], censor: '[redacted]' };

/**
 * JSON logs: the root pino logger (behind Nest's Logger too) and one line per answered request,
 * written from Fastify's own hooks, only when its level is enabled. A line written while a request
 * runs carries the request's ids because its writer passes them (`requestBindings`, as the error
 * line of ProblemDetailsFilter does), not through a per-request AsyncLocalStorage: that would put
 * async hooks on every promise of every request, about 25 to 50 µs of CPU per request here.
 */
export class RequestLogging {
  readonly root: Logger;

  constructor(level: string, destination?: DestinationStream) {
    const options = { level, redact: REDACTED };
    this.root = destination ? pino(options, destination) : pino(options);
  }

  install(fastify: FastifyInstance): void {
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

/** The request's ids for a log line: its request id, method and URL. */
export function requestBindings(request: FastifyRequest): { id: string; method: string; url: string } {
  return { id: requestIdsOf(request.raw).requestId, method: request.method, url: request.url };
}
