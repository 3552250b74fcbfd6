import 'reflect-metadata';

import { ApiProperty } from '@nestjs/swagger';
import { plainToInstance, Type } from 'class-transformer';
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
  validateSync,
} from 'class-validator';

import { SWAGGER_METADATA } from '../openapi/swagger-metadata';
import {
  ValidateBoolean,
  ValidateEnum,
  ValidateInt,
  ValidateNestedDto,
  ValidateString,
  ValidateStringArray,
} from './composite-validators';
import { toValidationError } from './validation.pipe';
import { Optional, Trim } from './validators';

const DECORATORS = SWAGGER_METADATA;

class ItemDto {
  @IsString()
  @MaxLength(5)
  name: string;
}

/** The stacks the composites replace, written out. */
class StackedDto {
  @Optional()
  @IsBoolean()
  flag?: boolean;

  @Trim()
  @IsString()
  @IsNotEmpty({ message: 'title is required' })
  @MaxLength(10)
  title: string;

  @Optional({ nullable: true })
  @IsString()
  @MaxLength(8)
  // What the Swagger CLI plugin adds from `@MaxLength` in a DTO file (it does not run in unit tests).
  @ApiProperty({ nullable: true, maxLength: 8 })
  note?: string | null;

  @Optional()
  @IsInt()
  @Min(0)
  @Max(60)
  @ApiProperty({ minimum: 0, maximum: 60 })
  count?: number;

  @Optional()
  @IsIn(['a', 'b'], { message: 'kind must be one of a, b' })
  @ApiProperty({ enum: ['a', 'b'], enumName: 'Kind' })
  kind?: 'a' | 'b';

  @Optional()
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(3)
  @IsString({ each: true })
  @MaxLength(4, { each: true })
  tags?: string[];

  @Optional()
  @IsArray()
  @ValidateNested({ each: true })
  @Type(() => ItemDto)
  items?: ItemDto[];
}

class CompositeDto {
  @ValidateBoolean({ optional: true })
  flag?: boolean;

  @ValidateString({ trim: true, notEmpty: 'title is required', maxLength: 10 })
  title: string;

  @ValidateString({ nullable: true, maxLength: 8 })
  note?: string | null;

  @ValidateInt({ optional: true, min: 0, max: 60 })
  count?: number;

  @ValidateEnum({ optional: true, values: ['a', 'b'], name: 'Kind' })
  kind?: 'a' | 'b';

  @ValidateStringArray({ optional: true, minItems: 1, maxItems: 3, maxLength: 4 })
  tags?: string[];

  @ValidateNestedDto(() => ItemDto, { optional: true, each: true })
  items?: ItemDto[];
}

function outcome(type: new () => object, body: Record<string, unknown>): unknown {
  const instance = plainToInstance(type, body);
  const errors = validateSync(instance, { forbidUnknownValues: true });
  if (errors.length === 0) return { valid: instance };
  const error = toValidationError(errors);
  return { message: error.message, details: error.details };
}

const BODIES: Array<Record<string, unknown>> = [
  { title: 'ok' },
  { title: '  padded  ' },
  {},
  { title: '' },
  { title: '   ' },
  { title: null },
  { title: 42 },
  { title: 'x'.repeat(11) },
  { title: 'ok', flag: 'true' },
  { title: 'ok', flag: null },
  { title: 'ok', note: null },
  { title: 'ok', note: 'x'.repeat(9) },
  { title: 'ok', note: 3 },
  { title: 'ok', count: -1 },
  { title: 'ok', count: 61 },
  { title: 'ok', count: 1.5 },
  { title: 'ok', count: '5' },
  { title: 'ok', kind: 'c' },
  { title: 'ok', kind: null },
  { title: 'ok', tags: [] },
  { title: 'ok', tags: ['a', 'b', 'c', 'd'] },
  { title: 'ok', tags: ['toolong', 5] },
  { title: 'ok', tags: 'a' },
  { title: 'ok', items: [{ name: 'abc' }] },
  { title: 'ok', items: [{ name: 'abcdef' }, { name: 1 }] },
  { title: 'ok', items: {} },
  { title: null, note: 5, count: 'x', kind: 1, tags: [1], items: [null] },
];

describe('composite validators (issue 12 §6)', () => {
  it.each(BODIES.map((body) => [JSON.stringify(body), body]))(
    'answer %s exactly like the stacked decorators',
    (_, body) => {
      const stacked = outcome(StackedDto, body);
      const composite = outcome(CompositeDto, body);
      expect(JSON.stringify(composite)).toBe(JSON.stringify(stacked));
    },
  );

  it('document enum names, nullable fields and limits like the stacked decorators and the Swagger plugin', () => {
    for (const field of ['kind', 'note', 'count']) {
      expect(
        Reflect.getMetadata(DECORATORS.API_MODEL_PROPERTIES, CompositeDto.prototype, field),
      ).toEqual(Reflect.getMetadata(DECORATORS.API_MODEL_PROPERTIES, StackedDto.prototype, field));
    }
  });
});
