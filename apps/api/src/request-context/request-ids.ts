import { randomUUID } from 'node:crypto';
import type { IncomingMessage } from 'node:http';

export const CORRELATION_HEADER = 'x-correlation-id';

const IDS = Symbol('requestIds');
// A caller's id is echoed into logs and headers, so only short, plain tokens are accepted.
const ACCEPTED_ID = /^[A-Za-z0-9._:-]{1,128}$/;

export interface RequestIds {
  /** Chosen by the caller (`x-correlation-id`) or generated; follows the work across services. */
  correlationId: string;
  /** Generated for each request; the causation id of the commands it sends. */
  requestId: string;
}

type RawRequest = IncomingMessage & { [IDS]?: RequestIds };

/**
 * The ids of a request, made once and kept on the raw Node request, so the HTTP framework,
 * the log middleware and the handlers all see the same values whoever asks first.
 */
export function requestIdsOf(raw: IncomingMessage): RequestIds {
  const request = raw as RawRequest;
  if (!request[IDS]) {
    const header = request.headers[CORRELATION_HEADER];
    const given = typeof header === 'string' && ACCEPTED_ID.test(header) ? header : undefined;
    request[IDS] = { correlationId: given ?? randomUUID(), requestId: randomUUID() };
  }
  return request[IDS];
}
