import { createParamDecorator, type ExecutionContext } from '@nestjs/common';
import type { IncomingMessage } from 'node:http';
import type { Actor } from '../../../../libs/core/src';
import { requestIdsOf } from './request-ids';

/** Who calls and the ids of the call; everything a handler needs to build a CommandContext. */
export interface RequestMeta {
  /** The verified caller; undefined only on `@Public()` routes called without a token. */
  actor: Actor;
  correlationId: string;
  requestId: string;
}

interface HttpRequest {
  raw: IncomingMessage;
  actor?: Actor;
}

export function requestMetaOf(request: HttpRequest): RequestMeta {
  const { correlationId, requestId } = requestIdsOf(request.raw);
  return { actor: request.actor as Actor, correlationId, requestId };
}

/** `@RequestMeta() meta: RequestMeta` -> `{ actor, correlationId, requestId }`. */
export const RequestMeta = createParamDecorator((_: unknown, context: ExecutionContext): RequestMeta =>
  requestMetaOf(context.switchToHttp().getRequest<HttpRequest>()),
);
