import { ApiProperty } from '@nestjs/swagger';
import {
  ArrayMaxSize,
  IsArray,
  IsBoolean,
  IsDefined,
  IsInt,
  IsNotEmpty,
  IsOptional,
  IsString,
  Max,
  MaxLength,
  Min,
  ValidateIf,
} from 'class-validator';

import { SPEC_LITERALS } from '../../../common/validation/spec-literals';

/** `POST /api/message/text/:instance` (API.md §3.2, §1.8; alias `text` of D22). */
export class SendTextDto {
  /** Contact number (D13 punctuation allowed) or a JID: `@s.whatsapp.net`, `@lid`, `@g.us`, `@newsletter`. */
  @IsDefined({ message: SPEC_LITERALS.numberRequired })
  @IsString({ message: SPEC_LITERALS.numberRequired })
  @IsNotEmpty({ message: SPEC_LITERALS.numberRequired })
  @MaxLength(120)
  @ApiProperty({ example: '5511999999999' })
  number: string;

  /** The text. */
  @ValidateIf((dto: SendTextDto) => dto.text === undefined || dto.message !== undefined)
  @IsString()
  @IsNotEmpty({ message: 'message is required' })
  @MaxLength(65_536)
  @ApiProperty({ example: 'Hello', required: false })
  message?: string;

  /** Deprecated alias of `message` (D22). */
  @IsOptional()
  @IsString()
  @MaxLength(65_536)
  @ApiProperty({ required: false, deprecated: true })
  text?: string;

  /** Seconds of "typing…" before sending (§1.8). */
  @IsOptional()
  @IsInt()
  @Min(0)
  @Max(300)
  delay?: number;

  @IsOptional()
  @IsBoolean()
  linkPreview?: boolean;

  /** Id of a message of this instance to quote. */
  @IsOptional()
  @IsString()
  @MaxLength(128)
  replyTo?: string;

  @IsOptional()
  @IsBoolean()
  replyPrivate?: boolean;

  /** Numbers to mention (groups). */
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(1024)
  @IsString({ each: true })
  mention?: string[];

  @IsOptional()
  @IsBoolean()
  mentionAll?: boolean;

  /** Origin tag stored with the message and carried into events (default `api`). */
  @IsOptional()
  @IsString()
  @MaxLength(100)
  source?: string;
}

export class SentMessageDataDto {
  @ApiProperty({ example: '3EB08FCF27E532F1B0F5' })
  messageId: string;
  @ApiProperty({ example: '2026-04-28T10:30:00.000Z' })
  timestamp: string;
  @ApiProperty({ example: 'outgoing' })
  direction: 'outgoing';
  @ApiProperty({ example: { jid: '5511999999999@s.whatsapp.net' } })
  chat: { jid: string };
  @ApiProperty({ example: 'text' })
  messageType: string;
  @ApiProperty({ example: 'Hello' })
  content: string;
  @ApiProperty({ required: false, type: [String] })
  mentions?: string[];
  @ApiProperty({ required: false })
  replyTo?: string;
}

export class SendMessageResponseDto {
  @ApiProperty({ example: true })
  success: true;
  @ApiProperty({ example: 'Text message sent successfully' })
  message: string;
  @ApiProperty({ example: 'sent', enum: ['sent', 'queued'] })
  status: 'sent' | 'queued';
  @ApiProperty({ example: '3EB08FCF27E532F1B0F5' })
  messageId: string;
  data: SentMessageDataDto;
}
