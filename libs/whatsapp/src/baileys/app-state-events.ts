import type { Contact, WASocket } from 'baileys';

import type { ChatFlagsChange, ContactChange, MessageRef, MuteUntil } from '../app-state';
import type { EventBinding } from './events';

/** The port's mute end of Baileys' `muteEndTime` (ms epoch; -1 or a non-positive value: forever). */
function muteUntilOf(value: unknown): MuteUntil | undefined {
  if (value === undefined) return undefined;
  if (value === null) return null;
  const ms = Number(value);
  if (!Number.isFinite(ms)) return undefined;
  return ms <= 0 ? 'forever' : new Date(ms);
}

/**
 * When a chat was pinned: app-state `pinAction`s carry the action's time in ms
 * (B:Utils/chat-utils.js encodeSyncdPatch, `timestamp: Date.now()`), history-sync chats in
 * seconds; a value below 10^12 is read as seconds.
 */
export function pinTime(value: number): Date {
  const n = Number(value);
  return new Date(n < 1e12 ? n * 1000 : n);
}

/** The port's contact change of a Baileys contact (only the fields it carries). */
export function toContactChange(contact: Partial<Contact>): ContactChange | null {
  if (!contact.id) return null;
  const change: ContactChange = { jid: contact.id };
  if (contact.lid !== undefined) change.lid = contact.lid || null;
  if (contact.phoneNumber !== undefined) change.phoneNumberJid = contact.phoneNumber || null;
  if (contact.name !== undefined) change.name = contact.name || null;
  if (contact.notify !== undefined) change.pushName = contact.notify || null;
  if (contact.verifiedName !== undefined) change.businessName = contact.verifiedName || null;
  return change;
}

/**
 * The port's chat-flags change of one Baileys `chats.update` item, or null when it says nothing
 * the port reports (e.g. only a conversation timestamp). `unreadCount` 0 is read, -1 marked
 * unread, more than 0 unread messages (B:Utils/chat-utils.js processSyncAction).
 */
export function toChatFlagsChange(update: {
  id?: string | null;
  archived?: boolean | null;
  pinned?: number | null;
  muteEndTime?: unknown;
  unreadCount?: number | null;
}): ChatFlagsChange | null {
  if (!update.id) return null;
  const change: ChatFlagsChange = { chatJid: update.id };
  if (typeof update.archived === 'boolean') change.archived = update.archived;
  if (update.pinned !== undefined) change.pinnedAt = update.pinned ? pinTime(update.pinned) : null;
  const mutedUntil = muteUntilOf(update.muteEndTime);
  if (mutedUntil !== undefined) change.mutedUntil = mutedUntil;
  if (typeof update.unreadCount === 'number') change.unread = update.unreadCount !== 0;
  return Object.keys(change).length > 1 ? change : null;
}

/**
 * Maps a socket's app-state events to the port's `appState` event (app-state.ts):
 * `chats.update` → `chat`, `chats.delete` → `chatDeleted`, `labels.edit` → `label`,
 * `labels.association` (chat labels) → `labelAssociation`, `contacts.upsert`/`contacts.update` →
 * `contact`, `messages.update` with `starred` → `starred`, `messages.delete` (keys) →
 * `deletedForMe`. Baileys emits these for the phone's changes and, with its default
 * `emitOwnEvents: true`, for this device's own writes.
 */
export function bindAppStateEvents(
  sock: Pick<WASocket, 'ev'>,
  { isCurrent, emit }: EventBinding,
): void {
  sock.ev.on('chats.update', (updates) => {
    if (!isCurrent()) return;
    for (const update of updates) {
      const change = toChatFlagsChange(update);
      if (change) emit('appState', { kind: 'chat', change });
    }
  });
  sock.ev.on('chats.delete', (jids) => {
    if (!isCurrent()) return;
    for (const chatJid of jids) emit('appState', { kind: 'chatDeleted', chatJid });
  });
  sock.ev.on('labels.edit', (label) => {
    if (!isCurrent() || !label.id) return;
    emit('appState', {
      kind: 'label',
      label: {
        id: String(label.id),
        name: label.name ?? '',
        color: Number(label.color ?? 0),
        deleted: label.deleted === true,
        predefinedId: label.predefinedId != null ? String(label.predefinedId) : null,
      },
    });
  });
  sock.ev.on('labels.association', ({ association, type }) => {
    if (!isCurrent() || (association.type as string) !== 'label_jid') return;
    emit('appState', {
      kind: 'labelAssociation',
      labelId: String(association.labelId),
      chatJid: association.chatId,
      labeled: type === 'add',
    });
  });
  const contacts = (list: Partial<Contact>[]) => {
    if (!isCurrent()) return;
    for (const contact of list) {
      const change = toContactChange(contact);
      if (change && Object.keys(change).length > 1)
        emit('appState', { kind: 'contact', contact: change });
    }
  };
  sock.ev.on('contacts.upsert', contacts);
  sock.ev.on('contacts.update', contacts);
  sock.ev.on('messages.update', (updates) => {
    if (!isCurrent()) return;
    for (const { key, update } of updates) {
      if (typeof update.starred !== 'boolean' || !key.id || !key.remoteJid) continue;
      emit('appState', {
        kind: 'starred',
        message: {
          chatJid: key.remoteJid,
          id: key.id,
          fromMe: key.fromMe === true,
          participant: key.participant ?? null,
        },
        starred: update.starred,
      });
    }
  });
  sock.ev.on('messages.delete', (deletion) => {
    if (!isCurrent() || !('keys' in deletion)) return;
    const messages: MessageRef[] = deletion.keys
      .filter((key) => key.id && key.remoteJid)
      .map((key) => ({
        chatJid: key.remoteJid as string,
        id: key.id as string,
        fromMe: key.fromMe === true,
        participant: key.participant ?? null,
      }));
    if (messages.length) emit('appState', { kind: 'deletedForMe', messages });
  });
}
