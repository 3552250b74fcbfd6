import { ApiProperty } from '@nestjs/swagger';
import { ValidateInt, ValidateString } from '@wharf/common/validation/composite-validators';
import { SPEC_LITERALS } from '@wharf/common/validation/spec-literals';
import { IsDefined, IsNotEmpty, IsString, MaxLength } from 'class-validator';

/** `POST /api/chat/history/:instance` (docs/API.md §3.3). */
export class ChatHistoryDto {
  /** Contact number (D13 punctuation allowed) or a JID. */
  @IsDefined({ message: SPEC_LITERALS.numberRequired })
  @IsString({ message: SPEC_LITERALS.numberRequired })
  @IsNotEmpty({ message: SPEC_LITERALS.numberRequired })
  @MaxLength(120)
  @ApiProperty({ example: '5511999999999' })
  number: string;

  /** Page size (default 50, at most 1000). */
  @ValidateInt({ optional: true, min: 1, max: 1000 })
  @ApiProperty({ example: 50, default: 50 })
  count?: number;

  /** Oldest timestamp to include (ISO 8601). */
  @ValidateString({ optional: true, maxLength: 64 })
  @ApiProperty({ example: '2026-02-16T00:00:00Z' })
  from?: string;

  /** Newest timestamp to include (ISO 8601); to page back, the oldest timestamp received. */
  @ValidateString({ optional: true, maxLength: 64 })
  @ApiProperty({ example: '2026-02-16T18:32:39Z' })
  to?: string;
}

export class HistoryItemDto {
  @ApiProperty({ example: '3EB08FCF27E532F1B0F5' })
  messageId: string;
  @ApiProperty({ example: 'incoming', enum: ['incoming', 'outgoing'] })
  direction: 'incoming' | 'outgoing';
  @ApiProperty({ example: false })
  fromMe: boolean;
  @ApiProperty({ example: 'text' })
  type: string;
  @ApiProperty({ example: 'Hi!' })
  content?: string;
  @ApiProperty({
    example: { type: 'image', mimeType: 'image/jpeg', size: 12345, duration: null },
  })
  media?: Record<string, unknown>;
  @ApiProperty({ example: '5511999999999@s.whatsapp.net' })
  from: string;
  @ApiProperty({ example: '5511888888888@s.whatsapp.net', nullable: true, type: String })
  to: string | null;
  @ApiProperty({ example: '5511999999999@s.whatsapp.net' })
  chat: string;
  @ApiProperty({ example: '5511777777777@s.whatsapp.net' })
  senderJid?: string;
  @ApiProperty({ example: '2026-04-28T14:30:00.000Z' })
  timestamp: string;
  @ApiProperty({ example: false })
  isGroup: boolean;
  @ApiProperty({ example: 'read' })
  status: string;
}

export class ChatHistoryResponseDto {
  @ApiProperty({ example: true })
  success: true;
  @ApiProperty({ example: 'History retrieved successfully' })
  message: string;
  @ApiProperty({ type: [HistoryItemDto] })
  messages: HistoryItemDto[];
  @ApiProperty({ example: 50 })
  count: number;
  @ApiProperty({ example: true })
  hasMore: boolean;
  @ApiProperty({ example: '5511999999999@s.whatsapp.net' })
  chat_jid: string;
}

export class MediaBase64ResponseDto {
  @ApiProperty({ example: true })
  success: true;
  @ApiProperty({ example: 'Base64 retrieved successfully' })
  message: string;
  @ApiProperty({ example: '3EB08FCF27E532F1B0F5' })
  message_id: string;
  @ApiProperty({ example: 'image/jpeg' })
  mime_type: string;
  @ApiProperty({ example: 'image', enum: ['image', 'video', 'audio', 'document', 'sticker'] })
  media_type: string;
  @ApiProperty({ example: 'iVBORw0KGgo...' })
  base64: string;
}

export class PollVoteCountDto {
  @ApiProperty({ example: 'Chocolate' })
  optionName: string;
  @ApiProperty({ example: 5 })
  optionVoteCount: number;
}

export class PollVoteDetailDto {
  @ApiProperty({ example: 'A1B2C3…', description: 'SHA-256 of the option name, upper-case hex' })
  optionHash: string;
  @ApiProperty({ example: 'Chocolate' })
  optionName: string;
  @ApiProperty({ example: '5511999999999' })
  senderJid: string;
  @ApiProperty({ example: '3EB0A1B2C3D4E5F6A7B8' })
  voteMessageId: string;
  @ApiProperty({ example: '2026-04-28T10:00:00.000Z' })
  createdAt: string;
}

export class PollTallyDto {
  @ApiProperty({ example: '3EB08FCF27E532F1B0F5' })
  messageId: string;
  @ApiProperty({ example: 'Which flavor?' })
  name: string;
  @ApiProperty({ type: [PollVoteCountDto] })
  votes: PollVoteCountDto[];
  @ApiProperty({ type: [PollVoteDetailDto] })
  voteDetails: PollVoteDetailDto[];
}

export class PollVotesResponseDto {
  @ApiProperty({ example: true })
  success: true;
  @ApiProperty({ example: 'Poll votes retrieved successfully' })
  message: string;
  @ApiProperty({ example: '3EB08FCF27E532F1B0F5' })
  messageId: string;
  data: PollTallyDto;
}

export class MessageMetricsDto {
  @ApiProperty({ example: 'sales' })
  instance: string;
  @ApiProperty({ example: 1523 })
  totalMessages: number;
  @ApiProperty({ example: 980 })
  messagesReceived: number;
  @ApiProperty({ example: 543 })
  messagesSent: number;
  @ApiProperty({ example: { text: 1200, image: 150 } })
  messagesByType: Record<string, number>;
  @ApiProperty({ example: 400 })
  groupMessages: number;
  @ApiProperty({ example: 1123 })
  individualMessages: number;
  @ApiProperty({ example: 323 })
  messagesWithMedia: number;
  @ApiProperty({ example: { image: 150 } })
  mediaByType: Record<string, number>;
  @ApiProperty({
    example: { pending: 0, sent: 20, delivered: 300, read: 1150, played: 40, failed: 13 },
  })
  messagesByStatus: Record<string, number>;
  @ApiProperty({ example: 210 })
  uniqueChats: number;
  @ApiProperty({ example: 12 })
  uniqueGroups: number;
  @ApiProperty({ example: 198 })
  uniqueContacts: number;
  @ApiProperty({ example: 310 })
  messagesLast7Days: number;
  @ApiProperty({ example: 1020 })
  messagesLast30Days: number;
  @ApiProperty({ example: '2026-01-05T09:12:00.000Z', nullable: true, type: String })
  firstMessageAt: string | null;
  @ApiProperty({ example: '2026-04-28T14:30:00.000Z', nullable: true, type: String })
  lastMessageAt: string | null;
}

export class MessageMetricsResponseDto {
  @ApiProperty({ example: true })
  success: true;
  @ApiProperty({ example: 'Metrics retrieved successfully' })
  message: string;
  metrics: MessageMetricsDto;
}
