import { ValidationPipe, type ValidationError } from '@nestjs/common';
import { ValidationFailedError, type FieldError } from './problem';

/** Flattens class-validator's tree into one entry per failing field, with its full path. */
export function fieldErrors(errors: readonly ValidationError[], parent = ''): FieldError[] {
  // A JSON array where an object was expected: its items are not fields of anything.
  if (!parent && errors.length > 0 && errors.some((e) => /^\d+$/.test(String(e.property)))) {
    return [{ field: 'body', messages: ['must be a JSON object, not an array'] }];
  }
  const result: FieldError[] = [];
  for (const error of errors) {
    const property = String(error.property ?? '');
    const path = !property
      ? parent
      : /^\d+$/.test(property)
        ? `${parent}[${property}]`
        : parent
          ? `${parent}.${property}`
          : property;
    const messages = Object.values(error.constraints ?? {}).map((m) => m.replace(/^an unknown value was passed to the validate function$/, 'must be a JSON object'));
    if (messages.length > 0) result.push({ field: path || 'body', messages });
    if (error.children?.length) result.push(...fieldErrors(error.children, path));
  }
  return result;
}

/** The global pipe: strips nothing silently — unknown fields are errors, types are transformed. */
export function createValidationPipe(): ValidationPipe {
  return new ValidationPipe({
    whitelist: true,
    forbidNonWhitelisted: true,
    forbidUnknownValues: true,
    transform: true,
    validationError: { target: false, value: false },
    exceptionFactory: (errors) => new ValidationFailedError(fieldErrors(errors)),
  });
}
