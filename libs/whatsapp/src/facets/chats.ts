import type { LastMessageRef, MessageRef, MuteUntil } from '../app-state';
import { notSupported } from './not-supported';

/** The app-state collections a resync can fetch: everything, or only labels (`regular`). */
export type AppStateScope = 'all' | 'labels';

/**
 * Chat state kept in WhatsApp's app state (archive, pin, mute, read, delete, star, delete for
 * me), plus the revoke of a message, which the delete route offers next to delete-for-me.
 * Every app-state write is encrypted with the key the phone shares with this device: before it
 * arrives a write waits a bounded time, then throws `AppStateNotReadyError`. Every operation
 * throws `SessionNotConnectedError` when not connected. The other devices see each change
 * (and so does this session: its own writes come back as `appState` events).
 */
export interface ChatsFacet {
  /** Archives (`true`) or unarchives the chat; `lastMessage` is the chat's newest, when known. */
  archive(chatJid: string, archive: boolean, lastMessage: LastMessageRef | null): Promise<void>;
  /** Pins or unpins the chat (WhatsApp's limit of 3 is the caller's to count). */
  pin(chatJid: string, pin: boolean): Promise<void>;
  /** Mutes the chat until a time or forever, or unmutes it (`null`). */
  mute(chatJid: string, until: MuteUntil): Promise<void>;
  /** Marks the chat read (`true`) or unread (`false`). */
  markRead(chatJid: string, read: boolean, lastMessage: LastMessageRef | null): Promise<void>;
  /** Deletes the chat on this account's devices (does not leave groups). */
  deleteChat(chatJid: string, lastMessage: LastMessageRef | null): Promise<void>;
  /** Deletes a message on this account's devices only. */
  deleteForMe(message: MessageRef, timestamp: Date, deleteMedia: boolean): Promise<void>;
  /** Revokes a message for everyone in the chat (a protocol message, not app state). */
  revoke(message: MessageRef): Promise<void>;
  /** Stars (`true`) or unstars messages of one chat. */
  star(
    chatJid: string,
    messages: Array<{ id: string; fromMe: boolean }>,
    star: boolean,
  ): Promise<void>;
  /**
   * Fetches the app state from WhatsApp again and reports every change as `appState` events.
   * Throws `AppStateNotReadyError` when the key has not arrived.
   */
  resync(scope: AppStateScope): Promise<void>;
}

/** {@link ChatsFacet} of an engine without it (D16). */
export const CHATS_NOT_SUPPORTED: ChatsFacet = {
  archive: () => notSupported('chats.archive'),
  pin: () => notSupported('chats.pin'),
  mute: () => notSupported('chats.mute'),
  markRead: () => notSupported('chats.markRead'),
  deleteChat: () => notSupported('chats.deleteChat'),
  deleteForMe: () => notSupported('chats.deleteForMe'),
  revoke: () => notSupported('chats.revoke'),
  star: () => notSupported('chats.star'),
  resync: () => notSupported('chats.resync'),
};
