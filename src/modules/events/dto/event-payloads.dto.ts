import { ApiProperty } from '@nestjs/swagger';

import { EVENT_NAMES } from '../event-names';

/** `instanceData` of the D7 envelope. */
export class EventInstanceDataDto {
  @ApiProperty({ example: 'http://localhost:8080' })
  baseUrl: string;
  @ApiProperty({ example: 'sales' })
  instance: string;
  /** Only with EVENTS_INCLUDE_INSTANCE_TOKEN=true (D3). */
  token?: string;
}

/** The D7 envelope of every webhook delivery and WebSocket frame; `data` depends on `event`. */
export class EventEnvelopeDto {
  @ApiProperty({ enum: EVENT_NAMES, enumName: 'EventName', example: 'message.exchange' })
  event: string;
  /** UUIDv7; equals the `webhook-id` header (D6) and deduplicates. */
  @ApiProperty({ example: '01966f3a-8b2c-7d4e-9f10-3a5b7c9d1e2f' })
  eventId: string;
  @ApiProperty({
    description: 'One of the Event*Data schemas, by `event`',
    type: 'object',
    additionalProperties: true,
  })
  data: Record<string, unknown>;
  instanceData: EventInstanceDataDto;
}

export class EventAddressDto {
  @ApiProperty({ example: '5511999999999@s.whatsapp.net' })
  jid: string;
  @ApiProperty({ example: '199789077627112@lid' })
  lid?: string;
  @ApiProperty({ nullable: true, type: String, example: 'João Silva' })
  name?: string | null;
}

export class EventChatDto extends EventAddressDto {
  @ApiProperty({ enum: ['private', 'group', 'newsletter'] })
  type: string;
  @ApiProperty({ nullable: true, type: String })
  groupName?: string | null;
  @ApiProperty({ description: 'Only true, for a community announcement group' })
  isCommunity?: boolean;
}

export class EventMessageBodyDto {
  @ApiProperty({ example: '3EB0C767D26A1B2C3D4E' })
  id: string;
  @ApiProperty({ enum: ['incoming', 'outgoing'] })
  direction: string;
  @ApiProperty({
    example: 'text',
    description:
      'D7 type: text, image, video, audio, ptt, ptv, document, sticker, location, contact, contacts, reaction, poll, poll_update, buttons, list, interactive, buttons_response, list_response, template_button_reply, message_edit, message_revoke, …',
  })
  type: string;
  @ApiProperty({
    example: 'Hello',
    description: 'Always a string (text, caption or a short rendering)',
  })
  content: string;
  @ApiProperty({
    example: 'api',
    description: '`source` given at send time; "" for messages from the phone or others',
  })
  source: string;
  @ApiProperty()
  isForwarded: boolean;
  @ApiProperty()
  isEdit: boolean;
  @ApiProperty({
    nullable: true,
    type: 'object',
    additionalProperties: true,
    description: '{ originalId, previousContent } for message_edit',
  })
  edit: Record<string, unknown> | null;
  @ApiProperty({
    nullable: true,
    type: 'object',
    additionalProperties: true,
    description: '{ quotedMessageId, quotedContent, quotedSender, mentions }',
  })
  context: Record<string, unknown> | null;
  @ApiProperty({
    nullable: true,
    type: 'object',
    additionalProperties: true,
    description:
      'D15: { type, mimetype, fileName, caption, size, sha256, duration?, width?, height?, isVoiceNote, url, downloadUrl, s3Url?, base64? }',
  })
  media: Record<string, unknown> | null;
  @ApiProperty({ nullable: true, type: 'object', additionalProperties: true })
  location: Record<string, unknown> | null;
  @ApiProperty({ nullable: true, type: 'array', items: { type: 'object' } })
  contact: unknown[] | null;
  @ApiProperty({
    nullable: true,
    type: 'object',
    additionalProperties: true,
    description: '{ messageId, emoji } ("" = removed)',
  })
  reaction: Record<string, unknown> | null;
  @ApiProperty({ nullable: true, type: 'object', additionalProperties: true })
  interactive: Record<string, unknown> | null;
  @ApiProperty({ nullable: true, type: 'object', additionalProperties: true })
  poll: Record<string, unknown> | null;
  @ApiProperty({
    nullable: true,
    type: 'object',
    additionalProperties: true,
    description: '{ pollMessageId, voter, selectedOptions }',
  })
  pollUpdate: Record<string, unknown> | null;
  // D25 copies for clients written against RyzeAPI's catalogue:
  @ApiProperty({
    required: false,
    example: '2026-04-28T10:30:00.000Z',
    description: 'D25: = data.timestamp',
  })
  timestamp?: string;
  @ApiProperty({ required: false, type: () => EventChatDto, description: 'D25: = data.chat' })
  chat?: EventChatDto;
  @ApiProperty({ required: false, type: () => EventAddressDto, description: 'D25: = data.sender' })
  sender?: EventAddressDto;
  @ApiProperty({
    required: false,
    example: '5511999999999@s.whatsapp.net',
    description: 'D25: = chat.jid',
  })
  remoteJid?: string;
  @ApiProperty({
    required: false,
    example: '5511999999999@s.whatsapp.net',
    description: 'D25: = sender.jid',
  })
  from?: string;
  @ApiProperty({
    required: false,
    example: '5511888888888@s.whatsapp.net',
    description: "D25: the recipient's JID (own number for incoming, the chat for outgoing)",
  })
  to?: string;
  @ApiProperty({
    required: false,
    example: 'Hello',
    description: 'D25: = content for text, captions and other textual types; absent without text',
  })
  text?: string;
  @ApiProperty({
    required: false,
    example: '3EB0AAAAAAAAAAAAAAAAAA',
    description: "D25, message_revoke: the revoke's own WhatsApp id (id names the revoked message)",
  })
  revokeId?: string;
  @ApiProperty({
    required: false,
    nullable: true,
    type: Object,
    description:
      'D25, event / event_response: { eventMessageId, name, description, startAt, endAt, location, joinLink, isScheduleCall, hasReminder, reminderOffsetSec, extraGuestsAllowed, isCanceled }',
  })
  event?: Record<string, unknown> | null;
}

/** D25 `data.reply`: the quoted message, in the names RyzeAPI clients read. */
export class EventReplyDto {
  @ApiProperty({ example: '3EB0C767D26A1B2C3D4E' })
  message_id: string;
  @ApiProperty({ nullable: true, type: String, example: 'the original' })
  text: string | null;
  @ApiProperty({ nullable: true, type: String, example: '5511999999999@s.whatsapp.net' })
  sender: string | null;
}

/** D25 `data.mentions`. */
export class EventMentionsDto {
  @ApiProperty({ type: [String], example: ['5511999999999@s.whatsapp.net'] })
  mentionedUsers: string[];
}

/** `message.exchange` data (D7 production shape). */
export class EventMessageExchangeDataDto {
  @ApiProperty({ example: '3EB0C767D26A1B2C3D4E' })
  id: string;
  @ApiProperty({ enum: ['incoming', 'outgoing'] })
  direction: string;
  @ApiProperty()
  fromMe: boolean;
  @ApiProperty({ example: '2026-04-28T10:30:00.000Z' })
  timestamp: string;
  chat: EventChatDto;
  sender: EventAddressDto;
  recipient: EventAddressDto;
  message: EventMessageBodyDto;
  @ApiProperty({ required: false, description: 'D25: when the message quotes one' })
  reply?: EventReplyDto;
  @ApiProperty({ required: false, description: 'D25: when the message mentions someone' })
  mentions?: EventMentionsDto;
}

/** `message.status` data (D7). */
export class EventMessageStatusDataDto {
  @ApiProperty({ type: [String], example: ['3EB0C767D26A1B2C3D4E'] })
  messageIds: string[];
  @ApiProperty({
    enum: [
      'sent',
      'delivered',
      'read',
      'played',
      'sender',
      'read_self',
      'played_self',
      'retry',
      'inactive',
      'server_error',
    ],
  })
  status: string;
  /** D25: = the first of `messageIds`. */
  @ApiProperty({ example: '3EB0C767D26A1B2C3D4E' })
  id: string;
  @ApiProperty({ example: { jid: '5511999999999@s.whatsapp.net', type: 'private' } })
  chat: Record<string, unknown>;
  /** D25: the recipient's JID as a string (not an object). */
  @ApiProperty({ example: '5511999999999@s.whatsapp.net' })
  recipient: string;
  sender?: EventAddressDto;
  @ApiProperty({ description: 'Groups: JID of the original author' })
  messageSender?: string;
  @ApiProperty({ example: '2026-04-28T10:31:00.000Z' })
  timestamp: string;
  @ApiProperty({ example: { id: '3EB0C767D26A1B2C3D4E', status: 'read', direction: 'outgoing' } })
  message: Record<string, unknown>;
}

/** `instance.state` data (D7). */
export class EventInstanceStateDataDto {
  @ApiProperty({ example: 'sales' })
  instance: string;
  @ApiProperty({ enum: ['disconnected', 'connecting', 'connected', 'loggedout', 'banned'] })
  state: string;
  @ApiProperty({ enum: ['disconnected', 'connecting', 'connected', 'loggedout', 'banned'] })
  status: string;
  @ApiProperty({
    enum: [
      'qr_ready',
      'pairing_code',
      'connected',
      'reconnecting',
      'connection_lost',
      'logged_out',
      'temp_banned',
      'banned',
      'restart_required',
    ],
  })
  reason: string;
  @ApiProperty({ example: 'connecting' })
  previousState: string;
  @ApiProperty({ example: '5511999999999@s.whatsapp.net' })
  jid?: string;
  qrCode?: string;
  @ApiProperty({ example: 'data:image/png;base64,…' })
  qrCodeBase64?: string;
  @ApiProperty({ example: 'ABCD1234' })
  pairingCode?: string;
  @ApiProperty({ example: '2026-04-28T10:30:00.000Z' })
  timestamp: string;
}

/** `call.update` data. */
export class EventCallUpdateDataDto {
  @ApiProperty({ example: 'A1B2C3D4E5' })
  callId: string;
  @ApiProperty({ enum: ['offer', 'accepted', 'rejected', 'terminated', 'timeout', 'ringing'] })
  action: string;
  @ApiProperty({ example: '5511999999999@s.whatsapp.net' })
  from: string;
  @ApiProperty()
  isVideo: boolean;
  @ApiProperty()
  isGroup: boolean;
  @ApiProperty({ example: '2026-04-28T10:30:00.000Z' })
  timestamp: string;
}

/** `group.flow` data. */
export class EventGroupFlowDataDto {
  @ApiProperty({ example: '120363406289005073@g.us' })
  groupJid: string;
  @ApiProperty({
    example: 'joined',
    description:
      'joined, left, promoted, demoted, or a metadata change (name, topic, announce, link)',
  })
  action: string;
  @ApiProperty({ type: [String] })
  participants: string[];
  @ApiProperty({ example: '2026-04-28T10:30:00.000Z' })
  timestamp: string;
}

/** `label.update` data. */
export class EventLabelUpdateDataDto {
  @ApiProperty({ example: '1' })
  labelId: string;
  @ApiProperty({ example: 'created', description: 'created, renamed, deleted, assigned, removed' })
  action: string;
  @ApiProperty({ example: 'VIP' })
  name?: string;
  @ApiProperty({ example: '2026-04-28T10:30:00.000Z' })
  timestamp: string;
}

/** Every event schema, registered as OpenAPI components (D7, D18). */
export const EVENT_SCHEMAS = [
  EventEnvelopeDto,
  EventMessageExchangeDataDto,
  EventMessageStatusDataDto,
  EventInstanceStateDataDto,
  EventCallUpdateDataDto,
  EventGroupFlowDataDto,
  EventLabelUpdateDataDto,
];
