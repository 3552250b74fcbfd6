import { ApiProperty } from '@nestjs/swagger';
import {
  ValidateBoolean,
  ValidateInt,
  ValidateString,
} from '@wharf/common/validation/composite-validators';
import { SPEC_LITERALS } from '@wharf/common/validation/spec-literals';

/* Requests and answers of the message-action routes of docs/API.md §3.3. */

/** `POST /api/chat/presence/:instance`. */
export class ChatPresenceDto {
  /** Chat: phone number (D13 punctuation allowed) or JID, groups included. */
  @ValidateString({ maxLength: 128, notEmpty: SPEC_LITERALS.numberRequired, trim: true })
  @ApiProperty({ example: '5511999999999' })
  number!: string;

  /** `typing`, `recording`, `pause` or `paused`; case-insensitive. */
  @ValidateString({ maxLength: 32, notEmpty: SPEC_LITERALS.stateRequired, trim: true })
  @ApiProperty({ example: 'typing' })
  state!: string;

  /**
   * Seconds (values above 60 become 60). With `typing`/`recording` and a value above 0 a
   * `pause` follows automatically; ignored for `pause`.
   */
  @ValidateInt({ optional: true, min: 0 })
  @ApiProperty({ example: 5 })
  duration?: number;
}

/** Answer of `presence`; `duration` only when a pause was scheduled. */
export class ChatPresenceResponseDto {
  success!: true;
  message!: string;
  chat_jid!: string;
  /** The state as given, lower-cased (`pause` and `paused` answer `paused`). */
  state!: string;
  duration?: number;
}

/** `POST /api/chat/forward/:instance`. */
export class ForwardMessageDto {
  /** Id of a message in the instance's store. */
  @ValidateString({ maxLength: 128, notEmpty: SPEC_LITERALS.forwardFieldsRequired, trim: true })
  @ApiProperty({ example: '3EB08FCF27E532F1B0F5' })
  messageId!: string;

  /** Recipient: phone, `@s.whatsapp.net` / `@lid`, `@g.us` or `@newsletter` JID (D13). */
  @ValidateString({ maxLength: 128, notEmpty: SPEC_LITERALS.forwardFieldsRequired, trim: true })
  @ApiProperty({ example: '5511987654321' })
  to!: string;
}

export class ForwardMessageResponseDto {
  success!: true;
  message!: string;
  /** The new message's id. */
  messageId!: string;
  /** The forwarded message's id. */
  originalId!: string;
  destinationJid!: string;
}

/** `POST /api/chat/edit/:instance`. */
export class EditMessageDto {
  /** Id of a text message this instance sent. */
  @ValidateString({ maxLength: 128, notEmpty: SPEC_LITERALS.messageIdRequired, trim: true })
  @ApiProperty({ example: '3EB08FCF27E532F1B0F5' })
  messageId!: string;

  /** The new text. */
  @ValidateString({ maxLength: 65_536, notEmpty: SPEC_LITERALS.contentRequired })
  @ApiProperty({ example: 'Hello' })
  content!: string;
}

export class EditMessageResponseDto {
  success!: true;
  message!: string;
  messageId!: string;
  chatJid!: string;
  oldContent!: string;
  newContent!: string;
}

/** `POST /api/chat/pinMessage/:instance`. */
export class PinMessageDto {
  /** Id of a message in the instance's store. */
  @ValidateString({ maxLength: 128, notEmpty: SPEC_LITERALS.messageIdRequired, trim: true })
  @ApiProperty({ example: '3EB08FCF27E532F1B0F5' })
  messageId!: string;

  /** `true` pins (the default), `false` unpins. */
  @ValidateBoolean({ optional: true })
  @ApiProperty({ example: true, default: true })
  pin?: boolean;

  /** `24h` (or `1d`), `7d` (the default) or `30d`; ignored when unpinning. */
  @ValidateString({ optional: true, maxLength: 8 })
  @ApiProperty({ example: '7d', default: '7d' })
  duration?: string;
}

export class PinMessageResponseDto {
  success!: true;
  message!: string;
  chat_jid!: string;
  message_id!: string;
  pinned!: boolean;
  /** Only when pinning. */
  duration?: string;
}

/** `POST /api/chat/markRead/:instance`. */
export class MarkReadDto {
  @ValidateString({ maxLength: 128, notEmpty: SPEC_LITERALS.messageIdRequired, trim: true })
  @ApiProperty({ example: '3EB08FCF27E532F1B0F5' })
  messageId!: string;

  /** The chat: phone, JID, group or newsletter (D13). */
  @ValidateString({ maxLength: 128, notEmpty: SPEC_LITERALS.numberRequired, trim: true })
  @ApiProperty({ example: '5511999999999' })
  number!: string;

  /** The message's author (phone or JID); required in groups. */
  @ValidateString({ optional: true, maxLength: 128, trim: true })
  @ApiProperty({ example: '5511988887777@s.whatsapp.net' })
  sender?: string;
}

export class MarkReadResponseDto {
  success!: true;
  message!: string;
  message_id!: string;
  chat_jid!: string;
}

/** `POST /api/chat/block/:instance`. */
export class BlockContactDto {
  /** Contact: phone number or user JID (`@s.whatsapp.net` / `@lid`), D13. */
  @ValidateString({ maxLength: 128, notEmpty: SPEC_LITERALS.numberRequired, trim: true })
  @ApiProperty({ example: '5511999999999' })
  number!: string;

  /** `true` blocks (the default), `false` unblocks. */
  @ValidateBoolean({ optional: true })
  @ApiProperty({ example: true, default: true })
  block?: boolean;
}

export class BlockContactResponseDto {
  success!: true;
  message!: string;
  contact_jid!: string;
  /** Blocked contacts of the account after the operation (WhatsApp's blocklist). */
  blocked_count!: number;
  blocked!: boolean;
}
