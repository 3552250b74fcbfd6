import { applyDecorators } from '@nestjs/common';
import { Transform } from 'class-transformer';
import {
  IsString,
  Matches,
  MaxLength,
  registerDecorator,
  ValidationArguments,
  ValidationOptions,
} from 'class-validator';

/** Instance names: 1–100 characters, no `/`, `,`, `?`, `#`, `%` or control characters (paths and lists use them). */
// eslint-disable-next-line no-control-regex -- control characters are exactly what this refuses
export const INSTANCE_NAME_PATTERN = /^[^/,?#%\s\x00-\x1f\x7f][^/,?#%\x00-\x1f\x7f]{0,99}$/;

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
  );
}

/** A string holding a TCP port number, 1–65535 (API.md carries ports as strings). */
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
