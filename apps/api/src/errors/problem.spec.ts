import 'reflect-metadata';
import { BadRequestException, ForbiddenException, HttpException, NotFoundException, UnauthorizedException, type ValidationError } from '@nestjs/common';
import { conflict, DomainError, forbidden, invalid, notFound, ruleViolation } from '../../../../libs/core/src';
import { WrongExpectedVersionError } from '../../../../libs/event-store/src/port';
import { MalformedJsonError, toProblem, ValidationFailedError } from './problem';
import { fieldErrors } from './validation';

describe('toProblem', () => {
  it('maps DomainError kinds to statuses, keeping code and details', () => {
    expect(toProblem(invalid('bad-date', 'bad date'))).toMatchObject({ status: 400, code: 'bad-date', detail: 'bad date' });
    expect(toProblem(forbidden('nope'))).toMatchObject({ status: 403, code: 'forbidden' });
    expect(toProblem(notFound('customer', 'c1'))).toMatchObject({ status: 404, code: 'not-found', details: { resource: 'customer', id: 'c1' } });
    expect(toProblem(conflict('already-cancelled', 'x'))).toMatchObject({ status: 409, code: 'already-cancelled' });
    expect(toProblem(ruleViolation('sku-end-of-sale', 'x', { sku: 's' }))).toEqual({
      type: 'urn:csp-commerce:problem:sku-end-of-sale',
      title: 'Unprocessable Content',
      status: 422,
      detail: 'x',
      code: 'sku-end-of-sale',
      details: { sku: 's' },
    });
  });

  it('maps a version conflict to 409 version-conflict', () => {
    expect(toProblem(new WrongExpectedVersionError('s-1', 1, 2))).toMatchObject({ status: 409, code: 'version-conflict' });
  });

  it('maps Nest HTTP exceptions by status', () => {
    expect(toProblem(new UnauthorizedException('no token'))).toMatchObject({ status: 401, code: 'unauthenticated', detail: 'no token' });
    expect(toProblem(new ForbiddenException('role'))).toMatchObject({ status: 403, code: 'forbidden' });
    expect(toProblem(new NotFoundException('Cannot GET /x'))).toMatchObject({ status: 404, code: 'not-found', detail: 'no route GET /x' });
    expect(toProblem(new HttpException('Unsupported Media Type: text/plain', 415))).toMatchObject({ status: 415, code: 'unsupported-media-type' });
    expect(toProblem(new HttpException('Request body is too large', 413))).toMatchObject({ status: 413, code: 'payload-too-large' });
    expect(toProblem(new BadRequestException(['a', 'b']))).toMatchObject({ status: 400, code: 'bad-request', detail: 'a; b' });
    expect(toProblem(new HttpException('teapot', 418))).toMatchObject({ status: 418, code: 'http-418' });
  });

  it('hides the message of anything unexpected', () => {
    const problem = toProblem(new TypeError('cannot read properties of undefined (password=hunter2)'));
    expect(problem).toMatchObject({ status: 500, code: 'internal-error' });
    expect(JSON.stringify(problem)).not.toContain('hunter2');
    expect(toProblem('a string')).toMatchObject({ status: 500 });
    expect(toProblem(undefined)).toMatchObject({ status: 500 });
  });

  it('reports malformed JSON and validation failures with their fields', () => {
    expect(toProblem(new MalformedJsonError('Unexpected end'))).toMatchObject({ status: 400, code: 'malformed-json' });
    const problem = toProblem(new ValidationFailedError([{ field: 'a', messages: ['a must be a string'] }]));
    expect(problem).toMatchObject({ status: 400, code: 'validation-failed', errors: [{ field: 'a', messages: ['a must be a string'] }] });
  });

  it('a DomainError without details has no details member', () => {
    expect(toProblem(new DomainError('rule', 'x', 'y'))).not.toHaveProperty('details');
  });
});

describe('fieldErrors', () => {
  const error = (property: string, constraints?: Record<string, string>, children: ValidationError[] = []): ValidationError => ({
    property,
    constraints,
    children,
  });

  it('flattens nested errors into dotted paths with indexes', () => {
    const errors = [
      error('customerId', { isString: 'customerId must be a string' }),
      error('lines', undefined, [error('0', undefined, [error('quantity', { min: 'quantity must not be less than 1', isInt: 'quantity must be an integer number' })])]),
      error('address', undefined, [error('city', { isString: 'city must be a string' })]),
    ];
    expect(fieldErrors(errors)).toEqual([
      { field: 'customerId', messages: ['customerId must be a string'] },
      { field: 'lines[0].quantity', messages: ['quantity must not be less than 1', 'quantity must be an integer number'] },
      { field: 'address.city', messages: ['city must be a string'] },
    ]);
  });

  it('reports a top-level array as a wrong body', () => {
    expect(fieldErrors([error('0', { whitelistValidation: 'property 0 should not exist' }), error('name', { isString: 'x' })])).toEqual([
      { field: 'body', messages: ['must be a JSON object, not an array'] },
    ]);
  });

  it('names the body when the value itself is wrong', () => {
    expect(fieldErrors([error('', { unknownValue: 'an unknown value was passed to the validate function' })])).toEqual([
      { field: 'body', messages: ['must be a JSON object'] },
    ]);
  });
});
