import { EntityManager } from '@mikro-orm/core';
import { Injectable } from '@nestjs/common';
import type { Instance } from '@wharf/modules/instance/entities/instance.entity';
import { MediaStoreService } from '@wharf/modules/media/media-store.service';
import { Message } from '@wharf/modules/messaging/entities/message.entity';
import { SendService } from '@wharf/modules/messaging/send.service';
import { SessionProvider } from '@wharf/modules/session/session.provider';
import type { LastMessageWire } from '@wharf/modules/session/session-commands';
import {
  normalizeRecipient,
  NotSupportedByEngineError,
  withBrazilianVariant,
} from '@wharf/whatsapp';

import {
  DeleteMessageNotFoundError,
  FavoriteTargetRequiredError,
  InvalidDurationError,
  MessageNotFoundError,
  NumberQueryRequiredError,
  PinLimitReachedError,
  TagIdQueryRequiredError,
  TagNotFoundError,
} from './chat.errors';
import { ChatStateStore } from './chat-state.store';
import type {
  ArchiveChatDto,
  AssignTagDto,
  ChatArchivedResponseDto,
  ChatDeletedResponseDto,
  ChatMutedResponseDto,
  ChatPinnedResponseDto,
  ChatReadResponseDto,
  ContactDto,
  ContactsByLabelQueryDto,
  ContactsByLabelResponseDto,
  ContactsResponseDto,
  CreateTagDto,
  DeleteChatDto,
  DeleteMessageDto,
  FavoriteDto,
  FavoriteResponseDto,
  LabeledChatDto,
  MarkChatReadDto,
  MessageDeletedResponseDto,
  MuteChatDto,
  PinChatDto,
  TagAssignmentResponseDto,
  TagDto,
  TagListResponseDto,
  TagResponseDto,
  UnassignTagQueryDto,
} from './dto/chat-state.dto';
import { ChatLabel } from './entities/chat-label.entity';
import { ChatLabelAssignment } from './entities/chat-label-assignment.entity';
import { ChatState } from './entities/chat-state.entity';
import { Contact } from './entities/contact.entity';

/** WhatsApp's limit of pinned chats (docs/API.md §3.3 pin). */
export const MAX_PINNED_CHATS = 3;

/** A mute duration of docs/API.md §3.3 mute: seconds, 0 = no expiry. */
export function parseMuteDuration(duration: string | undefined): number {
  const text = (duration ?? '').trim().toLowerCase();
  if (['', 'always', 'forever', 'permanent'].includes(text)) return 0;
  if (['8h', '8 hours'].includes(text)) return 8 * 3600;
  if (['1w', '7d', '1 week'].includes(text)) return 7 * 24 * 3600;
  throw new InvalidDurationError(duration ?? '');
}

/** The `message` of a mute answer (docs/API.md §3.3 mute). */
function muteMessage(muted: boolean, seconds: number): string {
  if (!muted) return 'Chat notifications unmuted successfully';
  if (seconds === 0) return 'Chat muted permanently';
  return seconds === 8 * 3600 ? 'Chat muted for 8 hours' : 'Chat muted for 1 week';
}

/** The answer form of a stored label (docs/API.md §3.3 tag: `type` is `CUSTOM` or `PREDEFINED`). */
export function toTagDto(label: ChatLabel): TagDto {
  return {
    id: label.labelId,
    name: label.name,
    color: label.color,
    type: label.predefinedId ? 'PREDEFINED' : 'CUSTOM',
    deleted: label.deleted,
  };
}

/** The number of a phone-number JID with its middle digits hidden (`5511*****9999`); else undefined. */
export function redactPhone(jid: string | null): string | undefined {
  if (!jid?.endsWith('@s.whatsapp.net')) return undefined;
  const digits = jid.split('@')[0]?.split(':')[0];
  if (!digits || !/^\d+$/.test(digits)) return undefined;
  if (digits.length <= 8) return `${digits.slice(0, 2)}${'*'.repeat(digits.length - 2)}`;
  return `${digits.slice(0, 4)}${'*'.repeat(digits.length - 8)}${digits.slice(-4)}`;
}

function toContactDto(contact: Contact): ContactDto {
  const phoneJid = contact.phoneNumberJid ?? (contact.jid.endsWith('@lid') ? null : contact.jid);
  const dto: ContactDto = {
    jid: phoneJid ?? contact.jid,
    lid: contact.lid ?? (contact.jid.endsWith('@lid') ? contact.jid : null),
  };
  if (contact.name) {
    dto.full_name = contact.name;
    dto.first_name = contact.name.split(/\s+/)[0];
  }
  if (contact.pushName) dto.push_name = contact.pushName;
  if (contact.businessName) dto.business_name = contact.businessName;
  const phone = redactPhone(phoneJid);
  if (phone) dto.phone_number = phone;
  return dto;
}

/**
 * The chat-state routes of docs/API.md §3.3 (archive, markChatRead, pin, mute, deleteChat,
 * favorite, delete, tag, assignTag, contactsByLabel, contacts). Writes run their engine operation
 * on the process that owns the session (`SessionProvider.run`, D20) and then record the new state
 * in {@link ChatStateStore} (the engine's echo records it too); reads come from the store, since
 * WhatsApp lets no client query its app state.
 */
@Injectable()
export class ChatStateService {
  constructor(
    private readonly em: EntityManager,
    private readonly sessions: SessionProvider,
    private readonly store: ChatStateStore,
    private readonly media: MediaStoreService,
    private readonly sends: SendService,
  ) {}

  /**
   * The chat a route's `number` names (D13): digits or a JID, normalized; a phone number is
   * checked with WhatsApp, which also picks the Brazilian 9th-digit variant that exists (the
   * send routes' resolution, cached per instance). Groups and LIDs are kept as written.
   * @throws InvalidNumberError (400), NumberNotOnWhatsAppError (400)
   */
  private chatOf(instance: Instance, number: string): Promise<string> {
    return this.sends.resolveRecipient(instance, { number });
  }

  /**
   * Archives or unarchives a chat (docs/API.md §3.3 archive).
   * @throws InvalidNumberError, NumberNotOnWhatsAppError (400), the engine errors of `chats.archive` (503, 501, …)
   */
  async archive(instance: Instance, body: ArchiveChatDto): Promise<ChatArchivedResponseDto> {
    const chatJid = await this.chatOf(instance, body.number);
    const archive = body.archive ?? true;
    await this.sessions.run(instance.id, 'chats.archive', {
      chatJid,
      archive,
      lastMessage: await this.lastMessage(instance, chatJid),
    });
    await this.store.applyChat(instance.id, { chatJid, archived: archive });
    return {
      success: true,
      message: archive ? 'Chat archived successfully' : 'Chat unarchived successfully',
      chat_jid: chatJid,
      archived: archive,
    };
  }

  /**
   * Marks a chat read or unread (docs/API.md §3.3 markChatRead).
   * @throws InvalidNumberError, NumberNotOnWhatsAppError (400), the engine errors of `chats.markRead`
   */
  async markChatRead(instance: Instance, body: MarkChatReadDto): Promise<ChatReadResponseDto> {
    const chatJid = await this.chatOf(instance, body.number);
    const read = body.read ?? true;
    await this.sessions.run(instance.id, 'chats.markRead', {
      chatJid,
      read,
      lastMessage: await this.lastMessage(instance, chatJid),
    });
    await this.store.applyChat(instance.id, { chatJid, unread: !read });
    return {
      success: true,
      message: read ? 'Chat marked as read successfully' : 'Chat marked as unread successfully',
      chat_jid: chatJid,
      read,
    };
  }

  /**
   * Pins or unpins a chat (docs/API.md §3.3 pin). Pinning a fourth chat fails before WhatsApp is
   * asked: Wharf counts the pinned chats of its store.
   * @throws InvalidNumberError, NumberNotOnWhatsAppError (400), PinLimitReachedError (409), the engine errors of `chats.pin`
   */
  async pin(instance: Instance, body: PinChatDto): Promise<ChatPinnedResponseDto> {
    const chatJid = await this.chatOf(instance, body.number);
    const pin = body.pin ?? true;
    if (pin) {
      const pinned = await this.em.fork().count(ChatState, {
        instance: instance.id,
        pinnedAt: { $ne: null },
        chatJid: { $ne: chatJid },
      });
      if (pinned >= MAX_PINNED_CHATS) throw new PinLimitReachedError();
    }
    await this.sessions.run(instance.id, 'chats.pin', { chatJid, pin });
    await this.store.applyChat(instance.id, { chatJid, pinnedAt: pin ? new Date() : null });
    return {
      success: true,
      message: pin ? 'Chat pinned successfully' : 'Chat unpinned successfully',
      chat_jid: chatJid,
      pinned: pin,
    };
  }

  /**
   * Mutes or unmutes a chat (docs/API.md §3.3 mute; `duration` in seconds, 0 = no expiry).
   * @throws InvalidDurationError, InvalidNumberError, NumberNotOnWhatsAppError (400), the engine errors of `chats.mute`
   */
  async mute(instance: Instance, body: MuteChatDto): Promise<ChatMutedResponseDto> {
    const chatJid = await this.chatOf(instance, body.number);
    const mute = body.mute ?? true;
    const seconds = mute ? parseMuteDuration(body.duration) : 0;
    const until = !mute ? null : seconds === 0 ? -1 : Date.now() + seconds * 1000;
    await this.sessions.run(instance.id, 'chats.mute', { chatJid, untilMs: until });
    await this.store.applyChat(instance.id, {
      chatJid,
      mutedUntil: until === null ? null : until === -1 ? 'forever' : new Date(until),
    });
    return { success: true, message: muteMessage(mute, seconds), muted: mute, duration: seconds };
  }

  /**
   * Deletes a chat on the account's devices (docs/API.md §3.3 deleteChat); with `deleteMedia`
   * also the media files Wharf stored on disk for the chat (S3 copies stay). Wharf's stored
   * messages stay (its history is not the phone's chat list).
   * @throws InvalidNumberError, NumberNotOnWhatsAppError (400), the engine errors of `chats.deleteChat`
   */
  async deleteChat(instance: Instance, body: DeleteChatDto): Promise<ChatDeletedResponseDto> {
    const chatJid = await this.chatOf(instance, body.number);
    const deleteMedia = body.deleteMedia ?? false;
    await this.sessions.run(instance.id, 'chats.deleteChat', {
      chatJid,
      lastMessage: await this.lastMessage(instance, chatJid),
    });
    await this.store.deleteChat(instance.id, chatJid);
    if (deleteMedia) await this.media.deleteOfChat(instance.id, chatJid);
    return {
      success: true,
      message: deleteMedia
        ? 'Chat deleted successfully (including media)'
        : 'Chat deleted successfully',
      chat_jid: chatJid,
      delete_media: deleteMedia,
    };
  }

  /**
   * Stars or unstars a stored message, or favorites a chat (docs/API.md §3.3 favorite). Chats:
   * 501 (D16) — WhatsApp's favourites list has no Baileys rc14 helper and its app-state index is
   * unverified (docs/round2-protocol §3.3 favorite).
   * @throws FavoriteTargetRequiredError (400), MessageNotFoundError (404), 501, engine errors
   */
  async favorite(instance: Instance, body: FavoriteDto): Promise<FavoriteResponseDto> {
    const favorite = body.favorite ?? true;
    if (body.messageId) {
      const row = await this.em.fork().findOne(Message, { instance, messageId: body.messageId });
      if (!row) throw new MessageNotFoundError();
      await this.sessions.run(instance.id, 'chats.star', {
        chatJid: row.chatJid,
        messages: [{ id: row.messageId, fromMe: row.direction === 'outgoing' }],
        star: favorite,
      });
      return {
        success: true,
        message: favorite
          ? 'Message added to favorites successfully'
          : 'Message removed from favorites successfully',
        type: 'message',
        message_id: row.messageId,
        chat_jid: row.chatJid,
        favorite,
      };
    }
    if (!body.number) throw new FavoriteTargetRequiredError();
    await this.chatOf(instance, body.number);
    throw new NotSupportedByEngineError('chats.favorite');
  }

  /**
   * Revokes a stored message for everyone or deletes it on the account's devices only
   * (docs/API.md §3.3 delete).
   * @throws DeleteMessageNotFoundError (404), the engine errors of `chats.revoke` / `chats.deleteForMe`
   */
  async deleteMessage(
    instance: Instance,
    body: DeleteMessageDto,
  ): Promise<MessageDeletedResponseDto> {
    const row = await this.em.fork().findOne(Message, { instance, messageId: body.messageId });
    if (!row) throw new DeleteMessageNotFoundError();
    const fromMe = row.direction === 'outgoing';
    const message = {
      chatJid: row.chatJid,
      id: row.messageId,
      fromMe,
      participant: !fromMe && row.chatJid.endsWith('@g.us') ? row.senderJid : null,
    };
    if (body.deleteForEveryone) {
      await this.sessions.run(instance.id, 'chats.revoke', { message });
      return {
        success: true,
        message: 'Message deleted for everyone',
        delete_type: 'revoke',
        message_id: row.messageId,
        chat_jid: row.chatJid,
      };
    }
    await this.sessions.run(instance.id, 'chats.deleteForMe', {
      message,
      timestamp: row.timestamp.toISOString(),
      deleteMedia: false,
    });
    return {
      success: true,
      message: 'Message deleted for me',
      delete_type: 'delete_for_me',
      message_id: row.messageId,
      chat_jid: row.chatJid,
    };
  }

  /** The labels of the instance that are not deleted, by id (docs/API.md §3.3 GET tag). */
  async listTags(instance: Instance): Promise<TagListResponseDto> {
    const labels = await this.labels(instance.id);
    return {
      success: true,
      message: 'Tags retrieved successfully',
      tags: labels.map(toTagDto),
      total: labels.length,
    };
  }

  /**
   * Creates a label with the next id (the largest id ever used + 1, docs/API.md §3.3 POST tag);
   * a colour outside 0–10 becomes 0.
   * @throws the engine errors of `labels.edit`
   */
  async createTag(instance: Instance, body: CreateTagDto): Promise<TagResponseDto> {
    const color = body.color !== undefined && body.color >= 0 && body.color <= 10 ? body.color : 0;
    const all = await this.em.fork().find(ChatLabel, { instance: instance.id });
    const next = all.reduce((max, label) => Math.max(max, Number(label.labelId) || 0), 0) + 1;
    const label = { id: String(next), name: body.name, color, deleted: false };
    await this.sessions.run(instance.id, 'labels.edit', label);
    await this.store.applyLabel(instance, { ...label, predefinedId: null });
    return {
      success: true,
      message: 'Tag created successfully',
      tag: { id: label.id, name: label.name, color, type: 'CUSTOM', deleted: false },
    };
  }

  /**
   * Deletes a label and so unassigns it from every chat (docs/API.md §3.3 DELETE tag).
   * @throws TagIdQueryRequiredError (400), TagNotFoundError (404), engine errors of `labels.edit`
   */
  async deleteTag(instance: Instance, tagId: string | undefined): Promise<TagResponseDto> {
    if (!tagId) throw new TagIdQueryRequiredError();
    const label = await this.label(instance.id, tagId);
    const deleted = { id: label.labelId, name: '', color: 0, deleted: true };
    await this.sessions.run(instance.id, 'labels.edit', deleted);
    await this.store.applyLabel(instance, { ...deleted, predefinedId: null });
    return {
      success: true,
      message: 'Tag deleted successfully',
      tag: { id: label.labelId, name: '', color: 0, type: '', deleted: true },
    };
  }

  /**
   * Applies a label to a chat (docs/API.md §3.3 POST assignTag; idempotent).
   * @throws InvalidNumberError, NumberNotOnWhatsAppError (400), TagNotFoundError (404), engine errors of `labels.addToChat`
   */
  async assignTag(instance: Instance, body: AssignTagDto): Promise<TagAssignmentResponseDto> {
    const chatJid = await this.chatOf(instance, body.number);
    const label = await this.label(instance.id, body.tagId);
    await this.sessions.run(instance.id, 'labels.addToChat', { chatJid, labelId: label.labelId });
    await this.store.applyAssignment(instance, label.labelId, chatJid, true);
    return {
      success: true,
      message: 'Tag assigned successfully',
      tag_id: label.labelId,
      chat_jid: chatJid,
    };
  }

  /**
   * Removes a label from a chat (docs/API.md §3.3 DELETE assignTag; idempotent).
   * @throws NumberQueryRequiredError, TagIdQueryRequiredError, InvalidNumberError, NumberNotOnWhatsAppError (400),
   *   TagNotFoundError (404), engine errors of `labels.removeFromChat`
   */
  async unassignTag(
    instance: Instance,
    query: UnassignTagQueryDto,
  ): Promise<TagAssignmentResponseDto> {
    if (!query.number) throw new NumberQueryRequiredError();
    if (!query.tagId) throw new TagIdQueryRequiredError();
    const chatJid = await this.chatOf(instance, query.number);
    const label = await this.label(instance.id, query.tagId);
    await this.sessions.run(instance.id, 'labels.removeFromChat', {
      chatJid,
      labelId: label.labelId,
    });
    await this.store.applyAssignment(instance, label.labelId, chatJid, false);
    return {
      success: true,
      message: 'Tag removed successfully',
      tag_id: label.labelId,
      chat_jid: chatJid,
    };
  }

  /**
   * The chats with labels (docs/API.md §3.3 contactsByLabel), filtered by ids and/or names
   * (case-insensitive); `refresh=true` first fetches the labels' app state from WhatsApp (503
   * without a connection).
   */
  async contactsByLabel(
    instance: Instance,
    query: ContactsByLabelQueryDto,
  ): Promise<ContactsByLabelResponseDto> {
    const refresh = ['true', '1'].includes((query.refresh ?? '').toLowerCase());
    if (refresh) await this.sessions.run(instance.id, 'chats.resync', { scope: 'labels' });
    const split = (value?: string) =>
      (value ?? '')
        .split(',')
        .map((item) => item.trim())
        .filter(Boolean);
    const ids = split(query.labelIds);
    const names = split(query.labelNames).map((name) => name.toLowerCase());
    const labels = await this.labels(instance.id);
    const filtered =
      ids.length || names.length
        ? labels.filter(
            (label) => ids.includes(label.labelId) || names.includes(label.name.toLowerCase()),
          )
        : labels;
    const byId = new Map(filtered.map((label) => [label.labelId, label]));
    const em = this.em.fork();
    const rows = byId.size
      ? await em.find(
          ChatLabelAssignment,
          { instance: instance.id, labelId: { $in: [...byId.keys()] } },
          { orderBy: { chatJid: 'asc', labelId: 'asc' } },
        )
      : [];
    const chats = new Map<string, LabeledChatDto>();
    for (const row of rows) {
      const chat = chats.get(row.chatJid) ?? { chat_jid: row.chatJid, labels: [] };
      chat.labels.push(toTagDto(byId.get(row.labelId)!));
      chats.set(row.chatJid, chat);
    }
    const contacts = chats.size
      ? await em.find(Contact, { instance: instance.id, jid: { $in: [...chats.keys()] } })
      : [];
    for (const contact of contacts) {
      const name = contact.name ?? contact.pushName ?? contact.businessName;
      const chat = chats.get(contact.jid);
      if (chat && name) chat.name = name;
    }
    return {
      success: true,
      message: 'Chats retrieved successfully',
      chats: [...chats.values()],
      total_chats: chats.size,
      total_rows: rows.length,
      refreshed: refresh,
      filter_label_ids: [...byId.keys()],
    };
  }

  /**
   * The contact list, or one contact by `number` (docs/API.md §3.3 contacts; `found: false` when
   * the number is not known). Reads the store only.
   * @throws InvalidNumberError, NumberNotOnWhatsAppError (400) for a bad `number`
   */
  async contacts(instance: Instance, number: string | undefined): Promise<ContactsResponseDto> {
    const em = this.em.fork();
    if (number) {
      const jid = normalizeRecipient(number);
      const candidates = withBrazilianVariant(jid);
      const found = await em.findOne(Contact, {
        instance: instance.id,
        $or: [{ jid: { $in: candidates } }, { phoneNumberJid: { $in: candidates } }, { lid: jid }],
      });
      return {
        success: true,
        message: found ? 'Contact found' : 'Contact not found',
        contact: found ? { ...toContactDto(found), found: true } : { jid, lid: null, found: false },
      };
    }
    const rows = await em.find(Contact, { instance: instance.id }, { orderBy: { jid: 'asc' } });
    return {
      success: true,
      message: 'Contacts retrieved successfully',
      contacts: rows.map(toContactDto),
      total: rows.length,
    };
  }

  private labels(instanceId: string): Promise<ChatLabel[]> {
    return this.em
      .fork()
      .find(ChatLabel, { instance: instanceId, deleted: false }, { orderBy: { createdAt: 'asc' } });
  }

  /** @throws TagNotFoundError */
  private async label(instanceId: string, labelId: string): Promise<ChatLabel> {
    const label = await this.em
      .fork()
      .findOne(ChatLabel, { instance: instanceId, labelId, deleted: false });
    if (!label) throw new TagNotFoundError();
    return label;
  }

  /** The newest stored message of the chat, as app-state patches carry it; null when none. */
  private async lastMessage(instance: Instance, chatJid: string): Promise<LastMessageWire | null> {
    const row = await this.em
      .fork()
      .findOne(
        Message,
        { instance, chatJid, status: { $nin: ['pending', 'sending', 'failed'] } },
        { orderBy: { timestamp: 'desc' } },
      );
    if (!row) return null;
    const fromMe = row.direction === 'outgoing';
    return {
      id: row.messageId,
      fromMe,
      participant: !fromMe && chatJid.endsWith('@g.us') ? row.senderJid : null,
      timestamp: row.timestamp.toISOString(),
    };
  }
}
