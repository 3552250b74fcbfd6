import { applyDecorators } from '@nestjs/common';
import { Transform } from 'class-transformer';
import {
  IsNotIn,
  IsString,
  Matches,
  MaxLength,
  registerDecorator,
  ValidateIf,
  ValidationArguments,
  ValidationOptions,
} from 'class-validator';

/** Instance names: 1–100 characters, no `/`, `,`, `?`, `#`, `%` or control characters (paths and lists use them). */
// eslint-disable-next-line no-control-regex -- control characters are exactly what this refuses
export const INSTANCE_NAME_PATTERN = /^[^/,?#%\s\x00-\x1f\x7f][^/,?#%\x00-\x1f\x7f]{0,99}$/;

/**
 * Names that are URL dot segments: clients that normalise URLs (WHATWG URL, browsers, most HTTP
 * libraries) turn `/api/instance/getSettings/..` into another path, so such an instance could
 * never be reached (issue 11).
 */
export const DOT_SEGMENT_NAMES: readonly string[] = ['.', '..'];

/** A trimmed instance name (D4); used by instance creation. */
export function IsInstanceName(options?: ValidationOptions): PropertyDecorator {
  return applyDecorators(
    Transform(({ value }: { value: unknown }) =>
      typeof value === 'string' ? value.trim() : value,
    ),
    IsString(options),
    MaxLength(100, { message: 'name must be at most 100 characters' }),
    Matches(INSTANCE_NAME_PATTERN, {
      message: 'name must not contain "/", ",", "?", "#", "%" or control characters',
    }),
    IsNotIn(DOT_SEGMENT_NAMES, { message: 'name must not be "." or ".."' }),
  );
}

/** A string holding a TCP port number, 1–65535 (docs/API.md carries ports as strings). */
export function IsPortString(options?: ValidationOptions): PropertyDecorator {
  return (target: object, propertyName: string | symbol) => {
    registerDecorator({
      name: 'isPortString',
      target: target.constructor,
      propertyName: propertyName as string,
      options: {
        message: `${String(propertyName)} must be a port number between 1 and 65535, as a string`,
        ...options,
      },
      validator: {
        validate(value: unknown, _args: ValidationArguments) {
          if (typeof value !== 'string' && typeof value !== 'number') return false;
          const text = String(value).trim();
          if (!/^\d{1,5}$/.test(text)) return false;
          const port = Number(text);
          return port >= 1 && port <= 65535;
        },
      },
    });
  };
}

/** Trims strings; leaves other values for the type validators to reject. */
export const Trim = (): PropertyDecorator =>
  Transform(({ value }: { value: unknown }) => (typeof value === 'string' ? value.trim() : value));

/**
 * Marks a field optional: when it is absent (`undefined`) its other validators are skipped.
 * Unlike class-validator's `IsOptional`, `null` is not "absent": it is validated like any value,
 * so `{"autoRejectCalls": null}` is a 400 instead of reaching a NOT NULL column (issue 11).
 * `nullable: true` declares `null` a documented value of the field (e.g. "no limit", "clear the
 * password"); the field's docstring and `@ApiProperty({ nullable: true })` must say what it means.
 */
export function Optional({ nullable = false }: { nullable?: boolean } = {}): PropertyDecorator {
  return ValidateIf((_: object, value: unknown) =>
    nullable ? value !== undefined && value !== null : value !== undefined,
  );
}

/**
 * An array without repeated items, checked in linear time (class-validator's `ArrayUnique` is
 * quadratic: 100,000 items blocked the event loop for seconds). Same message as `ArrayUnique`.
 */
export function ArrayDistinct(options?: ValidationOptions): PropertyDecorator {
  return (target: object, propertyName: string | symbol) => {
    registerDecorator({
      name: 'arrayDistinct',
      target: target.constructor,
      propertyName: propertyName as string,
      options: { message: `All ${String(propertyName)}'s elements must be unique`, ...options },
      validator: {
        validate: (value: unknown) => Array.isArray(value) && new Set(value).size === value.length,
      },
    });
  };
}
