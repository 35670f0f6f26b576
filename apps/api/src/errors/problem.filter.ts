import { Catch, Logger, type ArgumentsHost, type ExceptionFilter } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { DomainError } from '../../../../libs/core/src';
import { requestBindings } from '../platform/request-logging';
import { requestIdsOf } from '../request-context/request-ids';
import { isSelfAnswering, isServerFault, PROBLEM_CONTENT_TYPE, toProblem, type ProblemBody } from './problem';

/** The problem document of an error as this request answers it. */
export function problemForRequest(error: unknown, request: FastifyRequest): ProblemBody {
  return { ...toProblem(error), instance: request.url.split('?')[0], correlationId: requestIdsOf(request.raw).correlationId };
}

/**
 * A refusal that carries `details.retryAfterSeconds` (e.g. 409 `renewal-in-progress`) also answers
 * with a `Retry-After` header, as Partner Center does; the problem document is unchanged.
 */
function retryAfterOf(error: unknown): string | undefined {
  const seconds = error instanceof DomainError ? error.details.retryAfterSeconds : undefined;
  return typeof seconds === 'number' && Number.isFinite(seconds) ? String(Math.max(0, Math.ceil(seconds))) : undefined;
}

/** Every error of an HTTP request becomes `application/problem+json` (ARCHITECTURE rule 9). */
@Catch()
export class ProblemDetailsFilter implements ExceptionFilter {
  private readonly logger = new Logger('HTTP');

  catch(error: unknown, host: ArgumentsHost): void {
    if (host.getType() !== 'http') throw error;
    const request = host.switchToHttp().getRequest<FastifyRequest>();
    const reply = host.switchToHttp().getResponse<FastifyReply>();
    if (isSelfAnswering(error)) {
      if (!reply.sent) error.answer(reply);
      return;
    }
    const body = problemForRequest(error, request);
    if (isServerFault(body.status)) {
      this.logger.error({ err: error, req: requestBindings(request), correlationId: body.correlationId }, 'request failed');
      // The request line (RequestLogging) then carries this error.
      (reply.raw as { err?: unknown }).err = error;
    }
    if (reply.sent) return;
    if (body.status === 401) void reply.header('www-authenticate', 'Bearer');
    const retryAfter = retryAfterOf(error);
    if (retryAfter !== undefined) void reply.header('retry-after', retryAfter);
    void reply
      .status(body.status)
      .header('content-type', PROBLEM_CONTENT_TYPE)
      .send(body);
  }
}
