/**
 * Domain types of WhatsApp's app state (chat flags, labels, contacts, stars, deletions for me):
 * what the `chats` and `labels` facets take and what the session's `appState` event reports.
 * WhatsApp keeps this state as encrypted patches the account's devices exchange; no device can
 * query it, so the app keeps its own copy from these events (docs/round2-protocol notes §2.2).
 * Nothing here depends on Baileys.
 */

/** When a mute ends: a time, `'forever'`, or `null` (not muted). */
export type MuteUntil = Date | 'forever' | null;

/**
 * The newest message of a chat as WhatsApp's archive / mark-read / delete-chat patches carry it
 * (their `lastMessages` range). `participant` is the author of another member's group message.
 */
export interface LastMessageRef {
  id: string;
  fromMe: boolean;
  participant?: string | null;
  timestamp: Date;
}

/** A message addressed by its key (star, delete for me, revoke). */
export interface MessageRef {
  chatJid: string;
  id: string;
  fromMe: boolean;
  /** Author of another member's group message. */
  participant?: string | null;
}

/** A WhatsApp Business label as the account's devices share it. */
export interface LabelInfo {
  /** Id within the account (a decimal string, e.g. `"3"`). */
  id: string;
  name: string;
  /** Palette index 0–19 (docs/API.md §3.3 lists 0–10). */
  color: number;
  deleted: boolean;
  /** Id of one of WhatsApp's predefined labels, when it is one. */
  predefinedId: string | null;
}

/** What a change says about a chat; absent fields did not change. */
export interface ChatFlagsChange {
  chatJid: string;
  archived?: boolean;
  /** When the chat was pinned, `null` once unpinned. */
  pinnedAt?: Date | null;
  mutedUntil?: MuteUntil;
  /** `true`: marked unread (or has unread messages); `false`: read. */
  unread?: boolean;
}

/** A contact of the account's address book (or seen with a push name). Absent fields did not change. */
export interface ContactChange {
  /** The contact's id: a phone-number JID or a LID, as WhatsApp addressed it. */
  jid: string;
  lid?: string | null;
  /** Phone-number JID (`…@s.whatsapp.net`) when known. */
  phoneNumberJid?: string | null;
  /** Name saved in the address book. */
  name?: string | null;
  /** Push name the contact set for itself. */
  pushName?: string | null;
  /** Verified business name. */
  businessName?: string | null;
}

/**
 * Payload of the session's `appState` event: one change of app state (from this device's own
 * writes, which WhatsApp echoes, or from the phone and other devices), or a contact seen.
 */
export type AppStateEvent =
  | { kind: 'chat'; change: ChatFlagsChange }
  | { kind: 'chatDeleted'; chatJid: string }
  | { kind: 'label'; label: LabelInfo }
  | { kind: 'labelAssociation'; labelId: string; chatJid: string; labeled: boolean }
  | { kind: 'contact'; contact: ContactChange }
  | { kind: 'starred'; message: MessageRef; starred: boolean }
  | { kind: 'deletedForMe'; messages: MessageRef[] };
