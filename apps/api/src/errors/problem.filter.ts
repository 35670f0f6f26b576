import { Catch, Logger, type ArgumentsHost, type ExceptionFilter } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { requestIdsOf } from '../request-context/request-ids';
import { isServerFault, PROBLEM_CONTENT_TYPE, toProblem, type ProblemBody } from './problem';

/** The problem document of an error as this request answers it. */
export function problemForRequest(error: unknown, request: FastifyRequest): ProblemBody {
  return { ...toProblem(error), instance: request.url.split('?')[0], correlationId: requestIdsOf(request.raw).correlationId };
}

/** Every error of an HTTP request becomes `application/problem+json` (ARCHITECTURE rule 9). */
@Catch()
export class ProblemDetailsFilter implements ExceptionFilter {
  private readonly logger = new Logger('HTTP');

  catch(error: unknown, host: ArgumentsHost): void {
    if (host.getType() !== 'http') throw error;
    const request = host.switchToHttp().getRequest<FastifyRequest>();
    const reply = host.switchToHttp().getResponse<FastifyReply>();
    const body = problemForRequest(error, request);
    if (isServerFault(body.status)) {
      this.logger.error({ err: error, correlationId: body.correlationId, method: request.method, url: request.url }, 'request failed');
      // pino-http logs the request's own line with this error instead of a generic one.
      (reply.raw as { err?: unknown }).err = error;
    }
    if (reply.sent) return;
    if (body.status === 401) void reply.header('www-authenticate', 'Bearer');
    void reply
      .status(body.status)
      .header('content-type', PROBLEM_CONTENT_TYPE)
      .send(body);
  }
}
