import { ApiProperty } from '@nestjs/swagger';
import {
  ValidateBoolean,
  ValidateInt,
  ValidateString,
} from '@wharf/common/validation/composite-validators';
import { SPEC_LITERALS } from '@wharf/common/validation/spec-literals';

/* Requests and answers of the chat-state routes of docs/API.md §3.3. */

/** A chat addressed by `number` (D13: phone number or JID). */
class ChatNumberDto {
  /** Phone number or JID (`@s.whatsapp.net`, `@lid`, `@g.us`, `@newsletter`; D13). */
  @ValidateString({ maxLength: 128, notEmpty: SPEC_LITERALS.numberRequired, trim: true })
  number!: string;
}

export class ArchiveChatDto extends ChatNumberDto {
  /** `true` archives, `false` unarchives. Default `true`. */
  @ValidateBoolean({ optional: true })
  archive?: boolean;
}

export class MarkChatReadDto extends ChatNumberDto {
  /** `true` marks read (clears the badge), `false` unread. Default `true`. */
  @ValidateBoolean({ optional: true })
  read?: boolean;
}

export class PinChatDto extends ChatNumberDto {
  /** `true` pins, `false` unpins. Default `true`. */
  @ValidateBoolean({ optional: true })
  pin?: boolean;
}

export class MuteChatDto extends ChatNumberDto {
  /** `true` mutes, `false` unmutes. Default `true`. */
  @ValidateBoolean({ optional: true })
  mute?: boolean;
  /** `8h`/`8 hours`, `1w`/`7d`/`1 week`, `always`/`forever`/`permanent`/empty (no expiry). */
  @ValidateString({ optional: true, maxLength: 64, trim: true })
  duration?: string;
}

export class DeleteChatDto extends ChatNumberDto {
  /** Also delete the media Wharf stored for the chat's messages (S3 or disk). */
  @ValidateBoolean({ optional: true })
  deleteMedia?: boolean;
}

export class FavoriteDto {
  /** The chat (one of `number` / `messageId`). */
  @ValidateString({ optional: true, maxLength: 128, trim: true })
  number?: string;
  /** The message; wins when both are sent. */
  @ValidateString({ optional: true, maxLength: 128, trim: true })
  messageId?: string;
  /** The final state wanted. Default `true`. */
  @ValidateBoolean({ optional: true })
  favorite?: boolean;
}

export class DeleteMessageDto {
  @ValidateString({ maxLength: 128, notEmpty: SPEC_LITERALS.deleteMessageIdRequired, trim: true })
  messageId!: string;
  /** `true` revokes for everyone, `false` (default) deletes on this account's devices only. */
  @ValidateBoolean({ optional: true })
  deleteForEveryone?: boolean;
}

export class CreateTagDto {
  /** Label name (trimmed). */
  @ValidateString({ maxLength: 100, notEmpty: SPEC_LITERALS.tagNameRequired, trim: true })
  name!: string;
  /** Palette index 0–10; other integers become 0. */
  @ValidateInt({ optional: true })
  color?: number;
}

export class AssignTagDto extends ChatNumberDto {
  @ValidateString({ maxLength: 32, notEmpty: SPEC_LITERALS.tagIdRequired, trim: true })
  tagId!: string;
}

/** `?tagId=` of DELETE tag. */
export class TagIdQueryDto {
  @ValidateString({ optional: true, maxLength: 32, trim: true })
  tagId?: string;
}

/** `?number=&tagId=` of DELETE assignTag. */
export class UnassignTagQueryDto extends TagIdQueryDto {
  @ValidateString({ optional: true, maxLength: 128, trim: true })
  number?: string;
}

/** `?number=` of GET contacts. */
export class ContactsQueryDto {
  @ValidateString({ optional: true, maxLength: 128, trim: true })
  number?: string;
}

/** Query of GET contactsByLabel. */
export class ContactsByLabelQueryDto {
  /** Comma-separated label ids. */
  @ValidateString({ optional: true, maxLength: 1000 })
  labelIds?: string;
  /** Comma-separated label names, case-insensitive. */
  @ValidateString({ optional: true, maxLength: 2000 })
  labelNames?: string;
  /** `true` syncs the labels with WhatsApp first. */
  @ValidateString({ optional: true, maxLength: 5 })
  refresh?: string;
}

export class ChatArchivedResponseDto {
  @ApiProperty({ example: true })
  success!: true;
  @ApiProperty({ example: 'Chat archived successfully' })
  message!: string;
  @ApiProperty({ example: '5511999999999@s.whatsapp.net' })
  chat_jid!: string;
  archived!: boolean;
}

export class ChatReadResponseDto {
  @ApiProperty({ example: true })
  success!: true;
  @ApiProperty({ example: 'Chat marked as read successfully' })
  message!: string;
  @ApiProperty({ example: '5511999999999@s.whatsapp.net' })
  chat_jid!: string;
  read!: boolean;
}

export class ChatPinnedResponseDto {
  @ApiProperty({ example: true })
  success!: true;
  @ApiProperty({ example: 'Chat pinned successfully' })
  message!: string;
  @ApiProperty({ example: '5511999999999@s.whatsapp.net' })
  chat_jid!: string;
  pinned!: boolean;
}

export class ChatMutedResponseDto {
  @ApiProperty({ example: true })
  success!: true;
  @ApiProperty({ example: 'Chat muted for 8 hours' })
  message!: string;
  muted!: boolean;
  /** Seconds: 28800, 604800, or 0 (permanent or unmuted). */
  @ApiProperty({ example: 28800 })
  duration!: number;
}

export class ChatDeletedResponseDto {
  @ApiProperty({ example: true })
  success!: true;
  @ApiProperty({ example: 'Chat deleted successfully' })
  message!: string;
  @ApiProperty({ example: '5511999999999@s.whatsapp.net' })
  chat_jid!: string;
  delete_media!: boolean;
}

export class FavoriteResponseDto {
  @ApiProperty({ example: true })
  success!: true;
  @ApiProperty({ example: 'Message added to favorites successfully' })
  message!: string;
  @ApiProperty({ enum: ['chat', 'message'] })
  type!: 'chat' | 'message';
  @ApiProperty({ example: '3EB08FCF27E532F1B0F5' })
  message_id?: string;
  @ApiProperty({ example: '5511999999999@s.whatsapp.net' })
  chat_jid!: string;
  favorite!: boolean;
}

export class MessageDeletedResponseDto {
  @ApiProperty({ example: true })
  success!: true;
  @ApiProperty({ example: 'Message deleted for everyone' })
  message!: string;
  @ApiProperty({ enum: ['revoke', 'delete_for_me'] })
  delete_type!: 'revoke' | 'delete_for_me';
  @ApiProperty({ example: '3EB08FCF27E532F1B0F5' })
  message_id!: string;
  @ApiProperty({ example: '5511999999999@s.whatsapp.net' })
  chat_jid!: string;
}

export class TagDto {
  @ApiProperty({ example: '1' })
  id!: string;
  @ApiProperty({ example: 'VIP' })
  name!: string;
  @ApiProperty({ example: 5 })
  color!: number;
  @ApiProperty({ example: 'CUSTOM' })
  type!: string;
  deleted!: boolean;
}

export class TagListResponseDto {
  @ApiProperty({ example: true })
  success!: true;
  @ApiProperty({ example: 'Tags retrieved successfully' })
  message!: string;
  tags!: TagDto[];
  total!: number;
}

export class TagResponseDto {
  @ApiProperty({ example: true })
  success!: true;
  @ApiProperty({ example: 'Tag created successfully' })
  message!: string;
  tag!: TagDto;
}

export class TagAssignmentResponseDto {
  @ApiProperty({ example: true })
  success!: true;
  @ApiProperty({ example: 'Tag assigned successfully' })
  message!: string;
  @ApiProperty({ example: '2' })
  tag_id!: string;
  @ApiProperty({ example: '5511999999999@s.whatsapp.net' })
  chat_jid?: string;
}

export class LabeledChatDto {
  @ApiProperty({ example: '5511999999999@s.whatsapp.net' })
  chat_jid!: string;
  @ApiProperty({ example: 'João' })
  name?: string;
  labels!: TagDto[];
}

export class ContactsByLabelResponseDto {
  @ApiProperty({ example: true })
  success!: true;
  @ApiProperty({ example: 'Chats retrieved successfully' })
  message!: string;
  chats!: LabeledChatDto[];
  total_chats!: number;
  total_rows!: number;
  refreshed!: boolean;
  @ApiProperty({ type: [String], example: ['1', '2'] })
  filter_label_ids!: string[];
}

export class ContactDto {
  @ApiProperty({ example: '5511999999999@s.whatsapp.net' })
  jid!: string;
  @ApiProperty({ example: '199789077627112@lid', nullable: true, type: String })
  lid!: string | null;
  @ApiProperty({ example: 'João' })
  first_name?: string;
  @ApiProperty({ example: 'João Silva' })
  full_name?: string;
  @ApiProperty({ example: 'João' })
  push_name?: string;
  @ApiProperty({ example: 'Loja do João' })
  business_name?: string;
  /** The phone number with its middle digits hidden. */
  @ApiProperty({ example: '5511*****9999' })
  phone_number?: string;
  /** With `?number=` only: whether the number is in the address book. */
  found?: boolean;
}

export class ContactsResponseDto {
  @ApiProperty({ example: true })
  success!: true;
  @ApiProperty({ example: 'Contacts retrieved successfully' })
  message!: string;
  contacts?: ContactDto[];
  total?: number;
  contact?: ContactDto;
}
