import { ApiProperty } from '@nestjs/swagger';
import { Optional } from '@wharf/common/validation/validators';
import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  IsArray,
  IsBoolean,
  IsDefined,
  IsInt,
  IsISO8601,
  IsNotEmpty,
  IsNumber,
  IsObject,
  IsString,
  IsUrl,
  Matches,
  Max,
  MaxLength,
  Min,
  ValidateNested,
} from 'class-validator';

import { SendCommonDto } from './send-more.dto';

/** ISO 8601 date-time that names its zone (`Z` or `±hh:mm`), as D25 requires. */
const WITH_ZONE = /T\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:Z|[+-]\d{2}:?\d{2})$/i;

/** Longest reminder offset of D25: one year, in seconds. */
export const MAX_REMINDER_OFFSET_SEC = 31_536_000;

/** Where the event takes place (`location` of D25). */
export class EventLocationDto {
  @Optional()
  @IsString()
  @MaxLength(1000)
  @ApiProperty({ required: false, example: 'Head office' })
  name?: string;

  @Optional()
  @IsString()
  @MaxLength(1000)
  @ApiProperty({ required: false, example: 'Av. Paulista, 1000' })
  address?: string;

  @Optional()
  @IsNumber({ allowNaN: false, allowInfinity: false }, { message: 'latitude must be a number' })
  @Min(-90)
  @Max(90)
  @ApiProperty({ required: false, example: -23.5613 })
  latitude?: number;

  @Optional()
  @IsNumber({ allowNaN: false, allowInfinity: false }, { message: 'longitude must be a number' })
  @Min(-180)
  @Max(180)
  @ApiProperty({ required: false, example: -46.6565 })
  longitude?: number;
}

/**
 * `POST /api/message/event/:instance` (D25): a WhatsApp event message. `startAt`/`endAt` are
 * ISO 8601 with a zone; `endAt` must be later than `startAt` (checked by `toEventContent`).
 */
export class SendEventDto extends SendCommonDto {
  @IsDefined({ message: 'name is required' })
  @IsString({ message: 'name must be a string' })
  @IsNotEmpty({ message: 'name is required' })
  @MaxLength(1024)
  @ApiProperty({ example: 'Quarterly review' })
  name: string;

  @IsDefined({ message: 'startAt is required' })
  @IsString({ message: 'startAt must be an ISO 8601 date-time with a zone' })
  @IsISO8601({ strict: true }, { message: 'startAt must be an ISO 8601 date-time with a zone' })
  @Matches(WITH_ZONE, { message: 'startAt must be an ISO 8601 date-time with a zone' })
  @ApiProperty({ example: '2026-05-04T14:00:00-03:00' })
  startAt: string;

  @Optional()
  @IsString({ message: 'endAt must be an ISO 8601 date-time with a zone' })
  @IsISO8601({ strict: true }, { message: 'endAt must be an ISO 8601 date-time with a zone' })
  @Matches(WITH_ZONE, { message: 'endAt must be an ISO 8601 date-time with a zone' })
  @ApiProperty({ required: false, example: '2026-05-04T15:00:00-03:00' })
  endAt?: string;

  @Optional()
  @IsString()
  @MaxLength(4096)
  @ApiProperty({ required: false, example: 'Numbers of Q1 and plans for Q2' })
  description?: string;

  @Optional()
  @IsObject({ message: 'location must be an object' })
  @ValidateNested()
  @Type(() => EventLocationDto)
  @ApiProperty({ required: false, type: EventLocationDto })
  location?: EventLocationDto;

  /** http(s) link the invitees open to join (D12 schemes; Wharf never fetches it). */
  @Optional()
  @IsString({ message: 'joinLink must be an http(s) URL' })
  @MaxLength(2048)
  @IsUrl(
    { protocols: ['http', 'https'], require_protocol: true, require_tld: false },
    { message: 'joinLink must be an http(s) URL' },
  )
  @ApiProperty({ required: false, example: 'https://meet.example.com/q-review' })
  joinLink?: string;

  @Optional()
  @IsBoolean()
  @ApiProperty({ required: false, default: false })
  isScheduleCall?: boolean;

  @Optional()
  @IsBoolean()
  @ApiProperty({ required: false, default: false })
  hasReminder?: boolean;

  /** Seconds before the start the reminder fires, 0–31,536,000 (one year). */
  @Optional()
  @IsInt({ message: 'reminderOffsetSec must be an integer' })
  @Min(0, { message: `reminderOffsetSec must be between 0 and ${MAX_REMINDER_OFFSET_SEC}` })
  @Max(MAX_REMINDER_OFFSET_SEC, {
    message: `reminderOffsetSec must be between 0 and ${MAX_REMINDER_OFFSET_SEC}`,
  })
  @ApiProperty({ required: false, example: 900 })
  reminderOffsetSec?: number;

  @Optional()
  @IsBoolean()
  @ApiProperty({ required: false, default: false })
  extraGuestsAllowed?: boolean;

  @Optional()
  @IsBoolean()
  @ApiProperty({ required: false, default: false })
  isCanceled?: boolean;

  /** Numbers to mention (groups). */
  @Optional()
  @IsArray()
  @ArrayMaxSize(1024)
  @IsString({ each: true })
  @MaxLength(120, { each: true })
  mention?: string[];

  @Optional()
  @IsBoolean()
  mentionAll?: boolean;
}
