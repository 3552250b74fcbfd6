import { ApiProperty } from '@nestjs/swagger';
import { ValidateBoolean, ValidateString } from '@wharf/common/validation/composite-validators';
import { Optional } from '@wharf/common/validation/validators';
import { ArrayMaxSize, IsArray, IsString, MaxLength, ValidateIf } from 'class-validator';

import { SendCommonDto } from './send-more.dto';

/** `POST /api/message/text/:instance` (docs/API.md §3.2, §1.8; alias `text` of D22). */
export class SendTextDto extends SendCommonDto {
  /** The text. */
  @ValidateIf((dto: SendTextDto) => dto.text === undefined || dto.message !== undefined)
  @ValidateString({ notEmpty: 'message is required', maxLength: 65_536 })
  @ApiProperty({ example: 'Hello' })
  message?: string;

  /** Deprecated alias of `message` (D22). */
  @ValidateString({ optional: true, maxLength: 65_536 })
  @ApiProperty({ deprecated: true })
  text?: string;

  @ValidateBoolean({ optional: true })
  linkPreview?: boolean;

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
  @ApiProperty({ type: [String] })
  mentions?: string[];
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
