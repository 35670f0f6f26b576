import { HttpException } from '@nestjs/common';
import type { FastifyReply } from 'fastify';
import { DomainError, type DomainErrorKind } from '../../../../libs/core/src';
import { WrongExpectedVersionError } from '../../../../libs/event-store/src/port';

export const PROBLEM_CONTENT_TYPE = 'application/problem+json';

/** RFC 9457 problem details plus the stable `code` clients switch on. */
export interface ProblemBody {
  type: string;
  title: string;
  status: number;
  detail: string;
  code: string;
  instance?: string;
  correlationId?: string;
  [extension: string]: unknown;
}

export interface FieldError {
  /** Dotted path of the field (`lineItems[0].quantity`); `body` when the body itself is wrong. */
  field: string;
  messages: string[];
}

/** An error that sends its own answer instead of a problem document (an idempotent replay). */
export interface SelfAnswering {
  answer(reply: FastifyReply): void;
}

export function isSelfAnswering(error: unknown): error is SelfAnswering {
  return typeof (error as Partial<SelfAnswering> | null)?.answer === 'function';
}

/** An error that already knows its HTTP answer. */
export class ProblemError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    detail: string,
    readonly extensions: Record<string, unknown> = {},
  ) {
    super(detail);
    this.name = 'ProblemError';
  }
}

/** The request body is not JSON (thrown by the body parser). */
export class MalformedJsonError extends ProblemError {
  constructor(reason: string) {
    super(400, 'malformed-json', `the request body is not valid JSON: ${reason}`);
  }
}

/** The body, query or parameters failed validation; every failing field is named. */
export class ValidationFailedError extends ProblemError {
  constructor(readonly errors: FieldError[]) {
    super(400, 'validation-failed', `${errors.length} field${errors.length === 1 ? '' : 's'} failed validation: ${errors.map((e) => e.field).join(', ')}`, { errors });
  }
}

const TITLES: Record<number, string> = {
  400: 'Bad Request',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'Not Found',
  405: 'Method Not Allowed',
  406: 'Not Acceptable',
  408: 'Request Timeout',
  409: 'Conflict',
  410: 'Gone',
  413: 'Content Too Large',
  415: 'Unsupported Media Type',
  422: 'Unprocessable Content',
  429: 'Too Many Requests',
  500: 'Internal Server Error',
  501: 'Not Implemented',
  502: 'Bad Gateway',
  503: 'Service Unavailable',
  504: 'Gateway Timeout',
};

const CODES_BY_STATUS: Record<number, string> = {
  400: 'bad-request',
  401: 'unauthenticated',
  403: 'forbidden',
  404: 'not-found',
  405: 'method-not-allowed',
  406: 'not-acceptable',
  408: 'request-timeout',
  409: 'conflict',
  410: 'gone',
  413: 'payload-too-large',
  415: 'unsupported-media-type',
  422: 'unprocessable',
  429: 'too-many-requests',
  500: 'internal-error',
  501: 'not-implemented',
  502: 'bad-gateway',
  503: 'service-unavailable',
  504: 'gateway-timeout',
};

const STATUS_BY_KIND: Record<DomainErrorKind, number> = {
  invalid: 400,
  forbidden: 403,
  'not-found': 404,
  conflict: 409,
  rule: 422,
};

export function problemType(code: string): string {
  return `urn:csp-commerce:problem:${code}`;
}

export function problem(status: number, code: string, detail: string, extensions: Record<string, unknown> = {}): ProblemBody {
  return { ...extensions, type: problemType(code), title: TITLES[status] ?? 'Error', status, detail, code };
}

/** True when the answer to this error is a 5xx the server must log (and never explain). */
export function isServerFault(status: number): boolean {
  return status >= 500;
}

/**
 * Maps anything thrown while serving a request to its problem document. Unknown errors become
 * a 500 `internal-error` whose detail says nothing about the cause.
 */
export function toProblem(error: unknown): ProblemBody {
  if (error instanceof ProblemError) return problem(error.status, error.code, error.message, error.extensions);
  if (error instanceof DomainError) {
    const details = Object.keys(error.details).length > 0 ? { details: error.details } : {};
    return problem(STATUS_BY_KIND[error.kind] ?? 422, error.code, error.message, details);
  }
  if (error instanceof WrongExpectedVersionError) {
    return problem(409, 'version-conflict', 'the resource was changed by another request at the same time; read it again and retry');
  }
  if (error instanceof HttpException) {
    const status = error.getStatus();
    const code = CODES_BY_STATUS[status] ?? `http-${status}`;
    return problem(status, code, httpDetail(error, status));
  }
  return problem(500, 'internal-error', 'an unexpected error occurred; it has been logged');
}

function httpDetail(error: HttpException, status: number): string {
  const response = error.getResponse();
  let message: unknown = typeof response === 'string' ? response : (response as { message?: unknown }).message;
  if (Array.isArray(message)) message = message.join('; ');
  if (typeof message === 'string' && message.length > 0) {
    // Nest's default 404 says "Cannot GET /x": keep its meaning in the API's own words.
    const route = /^Cannot (\w+) (.*)$/.exec(message);
    if (status === 404 && route) return `no route ${route[1]} ${route[2]}`;
    return message;
  }
  return TITLES[status] ?? 'error';
}
