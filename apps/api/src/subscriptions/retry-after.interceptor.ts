import { Injectable, type CallHandler, type ExecutionContext, type NestInterceptor } from '@nestjs/common';
import type { FastifyReply } from 'fastify';
import { catchError, type Observable } from 'rxjs';
import { DomainError } from '../../../../libs/core/src';

/**
 * A refusal that carries `details.retryAfterSeconds` (e.g. 409 `renewal-in-progress`) also answers
 * with a `Retry-After` header, as Partner Center does; the problem document is unchanged.
 */
@Injectable()
export class RetryAfterInterceptor implements NestInterceptor {
  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    return next.handle().pipe(
      catchError((error: unknown) => {
        const seconds = error instanceof DomainError ? error.details.retryAfterSeconds : undefined;
        if (typeof seconds === 'number' && Number.isFinite(seconds) && context.getType() === 'http') {
          void context.switchToHttp().getResponse<FastifyReply>().header('retry-after', String(Math.max(0, Math.ceil(seconds))));
        }
        throw error;
      }),
    );
  }
}
