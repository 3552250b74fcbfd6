import { ApiProperty, OmitType } from '@nestjs/swagger';
import { ValidateBoolean, ValidateString } from '@wharf/common/validation/composite-validators';
import { Optional } from '@wharf/common/validation/validators';
import {
  ArrayMaxSize,
  IsArray,
  IsDefined,
  IsIn,
  IsInt,
  IsNotEmpty,
  IsNumber,
  IsString,
  Matches,
  Max,
  MaxLength,
  Min,
} from 'class-validator';

import { SendCommonDto } from './send-more.dto';

export const MEDIA_TYPES = ['image', 'video', 'document', 'audio'] as const;
export const STATUS_TYPES = ['text', 'image', 'video', 'audio'] as const;

/**
 * Font names of text statuses and WhatsApp's `ExtendedTextMessage.FontType` numbers they map to.
 */
export const STATUS_FONTS: Record<string, number> = {
  system: 0,
  'sans-serif': 1,
  script: 2,
  'system-bold': 6,
  'morning-breeze': 7,
  serif: 8,
  'extra-bold': 9,
  monospace: 10,
};

/** Largest base64 text accepted in a body field (the byte cap MEDIA_MAX_BYTES applies after decoding). */
const MAX_BASE64_CHARS = 3 * 1024 * 1024 * 1024;

/**
 * `POST /api/message/media/:instance` (docs/API.md §3.2). Exactly one of `mediaUrl` / `mediaBase64`
 * (or the alias `media`); D22 aliases: `type`/`mediatype` → `mediaType`, `caption` → `message`,
 * `mimetype` → `mimeType`, `media` → `mediaUrl` (a URL) or `mediaBase64` (anything else). The
 * canonical field wins when both are present.
 */
export class SendMediaDto extends SendCommonDto {
  @Optional()
  @IsIn(MEDIA_TYPES, { message: 'mediaType must be one of image, video, document, audio' })
  @ApiProperty({
    enum: MEDIA_TYPES,
    example: 'image',
    description: 'Required (or an alias)',
  })
  mediaType?: (typeof MEDIA_TYPES)[number];

  /** Deprecated alias of `mediaType` (D22). */
  @Optional()
  @IsIn(MEDIA_TYPES, { message: 'type must be one of image, video, document, audio' })
  @ApiProperty({ enum: MEDIA_TYPES, deprecated: true })
  type?: (typeof MEDIA_TYPES)[number];

  /** Deprecated alias of `mediaType` (D22). */
  @Optional()
  @IsIn(MEDIA_TYPES, { message: 'mediatype must be one of image, video, document, audio' })
  @ApiProperty({ enum: MEDIA_TYPES, deprecated: true })
  mediatype?: (typeof MEDIA_TYPES)[number];

  /** Public URL of the file (fetched under D12), or — as clients send it — a base64 string. */
  @ValidateString({
    optional: true,
    notEmpty: 'mediaUrl must not be empty',
    maxLength: MAX_BASE64_CHARS,
  })
  @ApiProperty({ example: 'https://example.com/photo.jpg' })
  mediaUrl?: string;

  /** The file as base64, with or without a `data:<mime>;base64,` prefix. */
  @ValidateString({
    optional: true,
    notEmpty: 'mediaBase64 must not be empty',
    maxLength: MAX_BASE64_CHARS,
  })
  @ApiProperty({
    example:
      'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAQAAAC1HAwCAAAAC0lEQVR42mNkYAAAAAYAAjCB0C8AAAAASUVORK5CYII=',
  })
  mediaBase64?: string;

  /** Deprecated alias (D22): a URL is fetched, anything else is base64 (`data:` prefix allowed). */
  @ValidateString({
    optional: true,
    notEmpty: 'media must not be empty',
    maxLength: MAX_BASE64_CHARS,
  })
  @ApiProperty({ deprecated: true })
  media?: string;

  /** Caption. */
  @ValidateString({ optional: true, maxLength: 65_536 })
  @ApiProperty({ example: 'Our new menu' })
  message?: string;

  /** Deprecated alias of `message` (D22). */
  @ValidateString({ optional: true, maxLength: 65_536 })
  @ApiProperty({ deprecated: true })
  caption?: string;

  /** MIME type; detected from the bytes when absent. */
  @Optional()
  @IsString()
  @Matches(/^[\w.+-]+\/[\w.+-]+(\s*;.*)?$/, { message: 'mimeType must be a MIME type' })
  @MaxLength(255)
  @ApiProperty({ example: 'image/jpeg' })
  mimeType?: string;

  /** Deprecated alias of `mimeType` (D22). */
  @Optional()
  @IsString()
  @Matches(/^[\w.+-]+\/[\w.+-]+(\s*;.*)?$/, { message: 'mimetype must be a MIME type' })
  @MaxLength(255)
  @ApiProperty({ deprecated: true })
  mimetype?: string;

  /** Shown on the document card. */
  @ValidateString({ optional: true, maxLength: 255 })
  @ApiProperty({ example: 'menu.pdf' })
  fileName?: string;

  /** Audio only: send as a voice note (default `true`). */
  @ValidateBoolean({ optional: true })
  @ApiProperty({ default: true })
  isVoice?: boolean;

  /** Audio only: duration in seconds (computed when absent). */
  @Optional()
  @IsNumber({ allowNaN: false, allowInfinity: false })
  @Min(0)
  @Max(86_400)
  @ApiProperty({ example: 12 })
  duration?: number;

  /** Audio only: waveform, up to 64 amplitude samples 0–100. */
  @Optional()
  @IsArray()
  @ArrayMaxSize(64)
  @IsInt({ each: true })
  @Min(0, { each: true })
  @Max(100, { each: true })
  @ApiProperty({ type: [Number] })
  waveform?: number[];

  /** Numbers to mention (groups). */
  @Optional()
  @IsArray()
  @ArrayMaxSize(1024)
  @IsString({ each: true })
  @MaxLength(120, { each: true })
  mention?: string[];

  @ValidateBoolean({ optional: true })
  mentionAll?: boolean;
}

/** `POST /api/message/sticker/:instance` (docs/API.md §3.2): no `mention` / `mentionAll`. */
export class SendStickerDto extends SendCommonDto {
  /** PNG, JPEG or GIF URL, or a `data:` base64 URL; converted to WebP 512×512. */
  @IsDefined({ message: 'imageUrl is required' })
  @IsString({ message: 'imageUrl is required' })
  @IsNotEmpty({ message: 'imageUrl is required' })
  @MaxLength(MAX_BASE64_CHARS)
  @ApiProperty({ example: 'https://example.com/sticker.png' })
  imageUrl: string;
}

/** `POST /api/message/status/:instance` (docs/API.md §3.2): no `number`, no mentions. */
export class SendStatusDto extends OmitType(SendCommonDto, [
  'number',
  'replyTo',
  'replyPrivate',
  'delay',
] as const) {
  @IsDefined({ message: 'type is required' })
  @IsIn(STATUS_TYPES, { message: 'type must be one of text, image, video, audio' })
  @ApiProperty({ enum: STATUS_TYPES, example: 'text' })
  type: (typeof STATUS_TYPES)[number];

  /** The text, or the caption. */
  @ValidateString({ optional: true, maxLength: 65_536 })
  @ApiProperty({ example: 'We are open on Saturday!' })
  message?: string;

  /** Required for image, video and audio (fetched under D12). */
  @ValidateString({
    optional: true,
    notEmpty: 'mediaUrl must not be empty',
    maxLength: MAX_BASE64_CHARS,
  })
  mediaUrl?: string;

  @Optional()
  @IsString()
  @Matches(/^[\w.+-]+\/[\w.+-]+(\s*;.*)?$/, { message: 'mimeType must be a MIME type' })
  @MaxLength(255)
  mimeType?: string;

  @ValidateString({ optional: true, maxLength: 255 })
  fileName?: string;

  /** Text only: `#RRGGBB`. */
  @Optional()
  @Matches(/^#[0-9a-fA-F]{6}$/, { message: 'backgroundColor must be a hex colour like #FF6600' })
  @ApiProperty({ example: '#FF6600' })
  backgroundColor?: string;

  /** Text only. */
  @Optional()
  @IsIn(Object.keys(STATUS_FONTS), {
    message: `font must be one of ${Object.keys(STATUS_FONTS).join(', ')}`,
  })
  @ApiProperty({ enum: Object.keys(STATUS_FONTS), example: 'system' })
  font?: string;

  /** Audio only (default `true`). */
  @ValidateBoolean({ optional: true })
  @ApiProperty({ default: true })
  isVoice?: boolean;

  /** Audio only, seconds. */
  @Optional()
  @IsNumber({ allowNaN: false, allowInfinity: false })
  @Min(0)
  @Max(86_400)
  duration?: number;

  /** Audio only, up to 64 samples 0–100. */
  @Optional()
  @IsArray()
  @ArrayMaxSize(64)
  @IsInt({ each: true })
  @Min(0, { each: true })
  @Max(100, { each: true })
  @ApiProperty({ type: [Number] })
  waveform?: number[];
}

/** `data` of a media send's answer (docs/API.md §3.2): the common fields plus media metadata. */
export class SentMediaDataDto {
  @ApiProperty({ example: '3EB08FCF27E532F1B0F5' })
  messageId: string;
  @ApiProperty({ example: '2026-04-28T10:30:00.000Z' })
  timestamp: string;
  @ApiProperty({ example: 'outgoing' })
  direction: 'outgoing';
  @ApiProperty({ example: { jid: '5511999999999@s.whatsapp.net' } })
  chat: { jid: string };
  @ApiProperty({ example: 'audio' })
  messageType: string;
  @ApiProperty({ example: 'Our new menu' })
  content?: string;
  @ApiProperty({ example: 'https://mmg.whatsapp.net/v/t62.7114-24/…' })
  mediaUrl?: string;
  @ApiProperty({ example: 'audio/ogg; codecs=opus' })
  mediaMimeType?: string;
  @ApiProperty({ example: 48213 })
  mediaSize?: number;
  @ApiProperty({ example: 12 })
  mediaDuration?: number;
}

export class SendMediaResponseDto {
  @ApiProperty({ example: true })
  success: true;
  @ApiProperty({ example: 'Media message sent successfully' })
  message: string;
  @ApiProperty({ example: 'sent', enum: ['sent', 'queued'] })
  status: 'sent' | 'queued';
  @ApiProperty({ example: '3EB08FCF27E532F1B0F5' })
  messageId: string;
  data: SentMediaDataDto;
}
