import { ApiProperty } from '@nestjs/swagger';
import { ValidateString } from '@wharf/common/validation/composite-validators';

/** `?messageId=` of the message-store reads; presence is checked per route (their literals differ). */
export class MessageIdQueryDto {
  @ValidateString({ optional: true, maxLength: 128 })
  @ApiProperty({ example: '3EB08FCF27E532F1B0F5' })
  messageId?: string;
}

export class StoredMessageDto {
  @ApiProperty({ example: 'Hi!' })
  content?: string;
  @ApiProperty({
    example: { type: 'image', mimeType: 'image/jpeg', size: 12345, duration: null },
  })
  media?: Record<string, unknown>;
  @ApiProperty({ example: 'text' })
  type: string;
  @ApiProperty({ example: '5511999999999@s.whatsapp.net' })
  from: string;
  @ApiProperty({ example: '5511888888888@s.whatsapp.net', nullable: true, type: String })
  to: string | null;
  @ApiProperty({ example: '5511999999999@s.whatsapp.net' })
  chat: string;
  @ApiProperty({ example: '2026-04-28T14:30:00.000Z' })
  timestamp: string;
  @ApiProperty({ example: false })
  isGroup: boolean;
  @ApiProperty({ example: 'delivered' })
  status: string;
}

export class GetMessageResponseDto {
  @ApiProperty({ example: true })
  success: true;
  @ApiProperty({ example: 'Message found' })
  message: string;
  @ApiProperty({ example: '3EB08FCF27E532F1B0F5' })
  messageId: string;
  data: StoredMessageDto;
  @ApiProperty({ example: 'found' })
  status: 'found';
}

export class MessageStatusResponseDto {
  @ApiProperty({ example: true })
  success: true;
  @ApiProperty({ example: 'Message status retrieved successfully' })
  message: string;
  @ApiProperty({ example: '3EB08FCF27E532F1B0F5' })
  message_id: string;
  @ApiProperty({
    example: 'read',
    enum: ['pending', 'sent', 'delivered', 'received', 'read', 'played', 'error'],
  })
  status: string;
  @ApiProperty({ example: 4 })
  status_code: number;
  @ApiProperty({ example: 'sent', enum: ['sent', 'received'] })
  direction: 'sent' | 'received';
  @ApiProperty({ example: '5511999999999@s.whatsapp.net' })
  chat_jid: string;
  @ApiProperty({ example: '2026-04-28T14:30:00.000Z' })
  timestamp: string;
}
