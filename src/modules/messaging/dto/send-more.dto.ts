import { ApiProperty } from '@nestjs/swagger';
import {
  ValidateBoolean,
  ValidateInt,
  ValidateString,
} from '@wharf/common/validation/composite-validators';
import { SPEC_LITERALS } from '@wharf/common/validation/spec-literals';
import {
  ArrayMaxSize,
  ArrayMinSize,
  IsArray,
  IsDefined,
  IsNotEmpty,
  IsNumber,
  IsString,
  Max,
  MaxLength,
  Min,
} from 'class-validator';

/** Fields every send shares (§1.8). */
export class SendCommonDto {
  /** Contact number (D13 punctuation allowed) or a JID. */
  @IsDefined({ message: SPEC_LITERALS.numberRequired })
  @IsString({ message: SPEC_LITERALS.numberRequired })
  @IsNotEmpty({ message: SPEC_LITERALS.numberRequired })
  @MaxLength(120)
  @ApiProperty({ example: '5511999999999' })
  number: string;

  /** Seconds of "typing…" before sending. */
  @ValidateInt({ optional: true, min: 0, max: 300 })
  delay?: number;

  /** Id of a message of this instance to quote. */
  @ValidateString({ optional: true, maxLength: 128 })
  replyTo?: string;

  /** Quote the message in a private chat with its author (groups; §1.8). */
  @ValidateBoolean({ optional: true })
  replyPrivate?: boolean;

  /** Origin tag stored with the message and carried into events (default `api`). */
  @ValidateString({ optional: true, maxLength: 100 })
  source?: string;
}

/** `POST /api/message/location/:instance` (docs/API.md §3.2). */
export class SendLocationDto extends SendCommonDto {
  @IsDefined({ message: 'latitude is required' })
  @IsNumber({ allowNaN: false, allowInfinity: false }, { message: 'latitude must be a number' })
  @Min(-90)
  @Max(90)
  @ApiProperty({ example: -23.5613 })
  latitude: number;

  @IsDefined({ message: 'longitude is required' })
  @IsNumber({ allowNaN: false, allowInfinity: false }, { message: 'longitude must be a number' })
  @Min(-180)
  @Max(180)
  @ApiProperty({ example: -46.6565 })
  longitude: number;

  @ValidateString({ optional: true, maxLength: 1000 })
  @ApiProperty({ example: 'Head office' })
  name?: string;

  @ValidateString({ optional: true, maxLength: 1000 })
  @ApiProperty({ example: 'Av. Paulista, 1000' })
  address?: string;
}

/** `POST /api/message/poll/:instance` (docs/API.md §3.2). */
export class SendPollDto extends SendCommonDto {
  @ValidateString({ notEmpty: 'question is required', maxLength: 255 })
  @ApiProperty({ example: 'Which flavor?' })
  question: string;

  /** 2–12 options. */
  @IsArray()
  @ArrayMinSize(2, { message: 'options must contain between 2 and 12 options' })
  @ArrayMaxSize(12, { message: 'options must contain between 2 and 12 options' })
  @IsString({ each: true })
  @IsNotEmpty({ each: true })
  @MaxLength(100, { each: true })
  @ApiProperty({ example: ['Chocolate', 'Vanilla'] })
  options: string[];

  /** Most options one voter may pick; below 1 becomes 1, above the option count becomes it. */
  @ValidateInt({ optional: true })
  @ApiProperty({ default: 1 })
  maxAnswer?: number;
}
