import { ArgumentMetadata, Injectable, ValidationError, ValidationPipe } from '@nestjs/common';

import { ErrorDetail, InvalidBodyError, ValidationFailedError } from '../errors';
import { RefusedBody } from '../http/json-body.parser';
import { isSpecLiteral } from './spec-literals';

function flatten(errors: ValidationError[], parent = ''): ErrorDetail[] {
  const out: ErrorDetail[] = [];
  for (const error of errors) {
    const field = parent ? `${parent}.${error.property}` : error.property;
    // Type checks (`isString`, `isBoolean`, …) first: they explain the other failures.
    const constraints = Object.entries(error.constraints ?? {}).sort(
      ([a], [b]) => Number(!a.startsWith('is')) - Number(!b.startsWith('is')),
    );
    for (const [, message] of constraints) out.push({ field, message });
    if (error.children?.length) out.push(...flatten(error.children, field));
  }
  return out;
}

/** Builds the D2 validation error from class-validator's errors. */
export function toValidationError(errors: ValidationError[]): ValidationFailedError {
  const details = flatten(errors);
  const literal = details.find((d) => isSpecLiteral(d.message));
  const message =
    literal?.message ?? `Invalid request body: ${details[0]?.message ?? 'invalid value'}`;
  return new ValidationFailedError(message, details);
}

/**
 * The global pipe (docs/CONVENTIONS.md §7): transform + whitelist + forbidNonWhitelisted, errors in the
 * D2 shape. A body the JSON parser refused ({@link RefusedBody}: malformed, too deep, unstorable
 * text) answers that parser's 400; a body that is not a JSON object is `Invalid request body`; a
 * missing body counts as `{}` so "required" rules produce their literals.
 */
@Injectable()
export class WharfValidationPipe extends ValidationPipe {
  constructor() {
    super({
      transform: true,
      whitelist: true,
      forbidNonWhitelisted: true,
      forbidUnknownValues: true,
      transformOptions: { enableImplicitConversion: false },
      validationError: { target: false, value: false },
      exceptionFactory: (errors) => toValidationError(errors),
    });
  }

  override async transform(value: unknown, metadata: ArgumentMetadata): Promise<unknown> {
    if (metadata.type === 'body' && value instanceof RefusedBody) throw value.error;
    if (metadata.type === 'body' && metadata.metatype && metadata.metatype !== Object) {
      if (value === undefined || value === null || value === '') value = {};
      if (typeof value !== 'object' || Array.isArray(value)) throw new InvalidBodyError();
    }
    if (metadata.type === 'query' && (value === undefined || value === null)) value = {};
    return super.transform(value, metadata);
  }
}
