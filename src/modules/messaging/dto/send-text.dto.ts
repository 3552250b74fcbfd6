import { ApiProperty } from '@nestjs/swagger';
import {
  ArrayMaxSize,
  IsArray,
  IsBoolean,
  IsNotEmpty,
  IsString,
  MaxLength,
  ValidateIf,
} from 'class-validator';

import { Optional } from '../../../common/validation/validators';
import { SendCommonDto } from './send-more.dto';

/** `POST /api/message/text/:instance` (API.md §3.2, §1.8; alias `text` of D22). */
export class SendTextDto extends SendCommonDto {
  /** The text. */
  @ValidateIf((dto: SendTextDto) => dto.text === undefined || dto.message !== undefined)
  @IsString()
  @IsNotEmpty({ message: 'message is required' })
  @MaxLength(65_536)
  @ApiProperty({ example: 'Hello', required: false })
  message?: string;

  /** Deprecated alias of `message` (D22). */
  @Optional()
  @IsString()
  @MaxLength(65_536)
  @ApiProperty({ required: false, deprecated: true })
  text?: string;

  @Optional()
  @IsBoolean()
  linkPreview?: boolean;

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
