/**
 * Domain errors carry a stable kebab-case `code`. The HTTP layer maps the kind to a status:
 * invalid 400, forbidden 403, not-found 404, conflict 409, rule 422.
 */
export type DomainErrorKind = 'invalid' | 'forbidden' | 'not-found' | 'conflict' | 'rule';

export class DomainError extends Error {
  constructor(
    readonly kind: DomainErrorKind,
    readonly code: string,
    message: string,
    readonly details: Record<string, unknown> = {},
  ) {
    super(message);
    this.name = 'DomainError';
  }
}

/** A business rule refused the command (422). */
export const ruleViolation = (code: string, message: string, details?: Record<string, unknown>) =>
  new DomainError('rule', code, message, details);

/** The resource does not exist or belongs to another tenant (404, R-TENANT-1). */
export const notFound = (what: string, id: string) =>
  new DomainError('not-found', 'not-found', `${what} ${id} was not found`, { resource: what, id });

/** The resource is in a state that conflicts with the command (409). */
export const conflict = (code: string, message: string, details?: Record<string, unknown>) =>
  new DomainError('conflict', code, message, details);

/** The input is malformed in a way only the domain can see (400). */
export const invalid = (code: string, message: string, details?: Record<string, unknown>) =>
  new DomainError('invalid', code, message, details);

export const forbidden = (message: string) => new DomainError('forbidden', 'forbidden', message);
