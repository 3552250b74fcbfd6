import { applyDecorators, Type as ClassType } from '@nestjs/common';
import { ApiProperty } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  ArrayMinSize,
  IsArray,
  IsBoolean,
  IsIn,
  IsInt,
  IsNotEmpty,
  IsString,
  Max,
  MaxLength,
  Min,
  ValidateNested,
  ValidationOptions,
} from 'class-validator';

import { Optional, Trim } from './validators';

/**
 * Composite validators (issue 12 §6; the model is immich's `server/src/validation.ts`): one
 * decorator per field kind instead of four stacked class-validator, class-transformer and OpenAPI
 * decorators. Each one is exactly the stack it replaces, so validation messages and their order
 * (the first detail becomes `Invalid request body: …`, D2) do not change. The Swagger CLI plugin
 * documents the TypeScript type and `required` (from `?`), and reads the limits of class-validator
 * decorators written in the DTO file — not those inside a composite — so each composite documents
 * its own limits (`maxLength`, `minimum`, `maximum`, `enum`, `nullable`).
 */

/** Presence options shared by every composite validator. */
export interface PresenceOptions {
  /** Absent (`undefined`) skips the other checks ({@link Optional}). */
  optional?: boolean;
  /**
   * `null` is a documented value of the field and skips the other checks; implies `optional`.
   * The field's docstring says what `null` means (see {@link Optional}).
   */
  nullable?: boolean;
}

/**
 * Applies `decorators` as if they were written one above the other in this order: the last one
 * runs first, as TypeScript runs stacked decorators bottom-up. class-validator reports failed
 * constraints in the order they were registered, so this keeps error details in the order of the
 * stacks these composites replace.
 */
export function stacked(...decorators: PropertyDecorator[]): PropertyDecorator {
  return applyDecorators(...[...decorators].reverse());
}

function presence({ optional, nullable }: PresenceOptions): PropertyDecorator[] {
  if (nullable) return [Optional({ nullable: true }), ApiProperty({ nullable: true })];
  return optional ? [Optional()] : [];
}

/** A JSON boolean (`true`/`false`; no string coercion). */
export function ValidateBoolean(options: PresenceOptions = {}): PropertyDecorator {
  return stacked(...presence(options), IsBoolean());
}

/** Options of {@link ValidateString}. */
export interface ValidateStringOptions extends PresenceOptions {
  /** Longest accepted text, in UTF-16 code units (class-validator's `MaxLength`). */
  maxLength: number;
  /** Refuse `""`; a string is the message of that refusal (e.g. a D2 literal). */
  notEmpty?: boolean | string;
  /** Trim surrounding white space before validation. */
  trim?: boolean;
  /** Validate each item of an array instead of the value (the array itself is not checked). */
  each?: boolean;
}

/** A string of at most `maxLength` characters, optionally trimmed and non-empty. */
export function ValidateString(options: ValidateStringOptions): PropertyDecorator {
  const each: ValidationOptions | undefined = options.each ? { each: true } : undefined;
  const decorators = [...presence(options)];
  if (options.trim) decorators.push(Trim());
  decorators.push(IsString(each));
  if (options.notEmpty) {
    const message = typeof options.notEmpty === 'string' ? options.notEmpty : undefined;
    decorators.push(IsNotEmpty({ ...each, ...(message ? { message } : {}) }));
  }
  decorators.push(MaxLength(options.maxLength, each));
  if (!options.each) decorators.push(ApiProperty({ maxLength: options.maxLength }));
  return stacked(...decorators);
}

/** Options of {@link ValidateInt}. */
export interface ValidateIntOptions extends PresenceOptions {
  /** Smallest accepted value (inclusive). */
  min?: number;
  /** Largest accepted value (inclusive). */
  max?: number;
}

/** An integer in `[min, max]` (JSON number; no string coercion). */
export function ValidateInt(options: ValidateIntOptions = {}): PropertyDecorator {
  const decorators = [...presence(options), IsInt()];
  if (options.min !== undefined) decorators.push(Min(options.min));
  if (options.max !== undefined) decorators.push(Max(options.max));
  decorators.push(
    ApiProperty({
      ...(options.min !== undefined ? { minimum: options.min } : {}),
      ...(options.max !== undefined ? { maximum: options.max } : {}),
    }),
  );
  return stacked(...decorators);
}

/** Options of {@link ValidateEnum}. */
export interface ValidateEnumOptions extends PresenceOptions {
  /** The accepted values. */
  values: readonly (string | number)[];
  /**
   * The OpenAPI schema name of the enum (`enumName`), shared by every field that uses it;
   * without it the values are listed inline.
   */
  name?: string;
  /** The refusal message; default `<field> must be one of <values>`. */
  message?: string;
}

/** One of a fixed list of values, documented as an OpenAPI enum (named when `name` is given). */
export function ValidateEnum(options: ValidateEnumOptions): PropertyDecorator {
  return (target: object, propertyKey: string | symbol) => {
    const message =
      options.message ?? `${String(propertyKey)} must be one of ${options.values.join(', ')}`;
    stacked(
      ...presence(options),
      IsIn([...options.values], { message }),
      ApiProperty({
        enum: [...options.values],
        ...(options.name ? { enumName: options.name } : {}),
      }),
    )(target, propertyKey);
  };
}

/** Options of {@link ValidateStringArray}. */
export interface ValidateStringArrayOptions extends PresenceOptions {
  /** Most items accepted. */
  maxItems: number;
  /** Fewest items accepted (default: no minimum). */
  minItems?: number;
  /** Longest accepted item, in UTF-16 code units. */
  maxLength: number;
}

/** An array of at most `maxItems` strings of at most `maxLength` characters each. */
export function ValidateStringArray(options: ValidateStringArrayOptions): PropertyDecorator {
  const decorators = [...presence(options), IsArray()];
  if (options.minItems !== undefined) decorators.push(ArrayMinSize(options.minItems));
  decorators.push(
    ArrayMaxSize(options.maxItems),
    IsString({ each: true }),
    MaxLength(options.maxLength, { each: true }),
  );
  return stacked(...decorators);
}

/** Options of {@link ValidateNestedDto}. */
export interface ValidateNestedOptions extends PresenceOptions {
  /** The value is an array of `type` (the array itself is checked with `IsArray`). */
  each?: boolean;
}

/**
 * A nested object (or, with `each`, an array of them) validated as the DTO class `type`:
 * class-transformer's `@Type` plus class-validator's `@ValidateNested`.
 */
export function ValidateNestedDto(
  type: () => ClassType<unknown>,
  options: ValidateNestedOptions = {},
): PropertyDecorator {
  const decorators = [...presence(options)];
  if (options.each) decorators.push(IsArray());
  decorators.push(ValidateNested({ each: options.each }), Type(type));
  return stacked(...decorators);
}
