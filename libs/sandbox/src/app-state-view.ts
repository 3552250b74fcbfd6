/**
 * What a phone knows of its app state (chats' flags, labels, address book, starred and
 * deleted-for-me messages), derived from the Baileys events its primary observed (phone-events.ts)
 * and from its own app-state changes, in the order they happened. Shapes of the events are
 * those Baileys emits from `processSyncAction` (node_modules/baileys/lib/Utils/chat-utils.js).
 */

/** A chat as the phone sees it (`GET /phones/:number/chats`). */
export interface PhoneChatView {
  jid: string;
  archived: boolean;
  /** When it was pinned (ms epoch), or null. */
  pinned: number | null;
  /** End of the mute (ms epoch), -1 for "always", or null when not muted. */
  muteEndTime: number | null;
  /** True when unread (marked unread or with unread messages), false when read, null unknown. */
  unread: boolean | null;
  /** True after the chat was deleted (until a new message brings it back). */
  deleted: boolean;
  /** Ids of the labels on the chat, in the order they were added. */
  labels: string[];
}

/** A label (`GET /phones/:number/labels`). */
export interface PhoneLabelView {
  id: string;
  name: string;
  color: number;
  deleted: boolean;
}

/** An address-book entry (`GET /phones/:number/contacts`). */
export interface PhoneContactView {
  /** The contact's JID (PN JID for contacts added by number). */
  jid: string;
  name: string | null;
  lid: string | null;
  phoneNumber: string | null;
}

/** A message the phone starred or deleted for itself. */
export interface PhoneMessageRefView {
  chat: string;
  messageId: string;
  fromMe: boolean;
}

/** Starred and deleted-for-me messages (`GET /phones/:number/starred`). */
export interface PhoneMessageFlagsView {
  starred: PhoneMessageRefView[];
  deletedForMe: PhoneMessageRefView[];
}

/** One app-state event, in Baileys' event shape (`data` JSON-safe). */
export interface AppStateEvent {
  type: string;
  data: unknown;
}

/** Everything {@link foldAppStateEvents} derives. */
export interface PhoneAppStateView {
  chats: PhoneChatView[];
  labels: PhoneLabelView[];
  contacts: PhoneContactView[];
  messages: PhoneMessageFlagsView;
}

type Obj = Record<string, unknown>;

const asObj = (value: unknown): Obj =>
  typeof value === 'object' && value !== null ? (value as Obj) : {};
const asList = (value: unknown): unknown[] => (Array.isArray(value) ? value : []);
const str = (value: unknown): string | null => (typeof value === 'string' ? value : null);

/**
 * Applies `events` in order: `chats.upsert` / `chats.update` (archived, pinned, muteEndTime,
 * unreadCount: 0 → read, any other number → unread), `chats.delete`, `labels.edit`,
 * `labels.association` (chat labels), `contacts.upsert`, `messages.update` (`starred`) and
 * `messages.delete`; other events are ignored.
 */
export function foldAppStateEvents(events: Iterable<AppStateEvent>): PhoneAppStateView {
  const chats = new Map<string, PhoneChatView>();
  const labels = new Map<string, PhoneLabelView>();
  const contacts = new Map<string, PhoneContactView>();
  const starred = new Map<string, PhoneMessageRefView>();
  const deletedForMe = new Map<string, PhoneMessageRefView>();
  const chat = (jid: string): PhoneChatView => {
    let view = chats.get(jid);
    if (!view) {
      view = {
        jid,
        archived: false,
        pinned: null,
        muteEndTime: null,
        unread: null,
        deleted: false,
        labels: [],
      };
      chats.set(jid, view);
    }
    return view;
  };
  const messageRef = (key: Obj): PhoneMessageRefView | undefined => {
    const remote = str(key.remoteJid);
    const id = str(key.id);
    return remote && id ? { chat: remote, messageId: id, fromMe: key.fromMe === true } : undefined;
  };
  for (const { type, data } of events) {
    switch (type) {
      case 'chats.upsert':
      case 'chats.update':
        for (const item of asList(data)) {
          const update = asObj(item);
          const jid = str(update.id);
          if (!jid) continue;
          const view = chat(jid);
          if (type === 'chats.upsert') view.deleted = false;
          if (typeof update.archived === 'boolean') view.archived = update.archived;
          if ('pinned' in update)
            view.pinned = typeof update.pinned === 'number' ? update.pinned : null;
          if ('muteEndTime' in update) {
            view.muteEndTime = typeof update.muteEndTime === 'number' ? update.muteEndTime : null;
          }
          if (typeof update.unreadCount === 'number') view.unread = update.unreadCount !== 0;
        }
        break;
      case 'chats.delete':
        for (const jid of asList(data)) {
          if (typeof jid === 'string') chat(jid).deleted = true;
        }
        break;
      case 'labels.edit': {
        const label = asObj(data);
        const id = str(label.id);
        if (id) {
          labels.set(id, {
            id,
            name: str(label.name) ?? '',
            color: typeof label.color === 'number' ? label.color : 0,
            deleted: label.deleted === true,
          });
        }
        break;
      }
      case 'labels.association': {
        const { type: change, association } = asObj(data);
        const { type: kind, chatId, labelId } = asObj(association);
        if (kind !== 'label_jid' || typeof chatId !== 'string' || typeof labelId !== 'string') {
          break;
        }
        const view = chat(chatId);
        view.labels = view.labels.filter((id) => id !== labelId);
        if (change === 'add') view.labels.push(labelId);
        break;
      }
      case 'contacts.upsert':
        for (const item of asList(data)) {
          const contact = asObj(item);
          const jid = str(contact.id);
          if (!jid) continue;
          const before = contacts.get(jid);
          contacts.set(jid, {
            jid,
            name: str(contact.name) ?? before?.name ?? null,
            lid: str(contact.lid) ?? before?.lid ?? null,
            phoneNumber: str(contact.phoneNumber) ?? before?.phoneNumber ?? null,
          });
        }
        break;
      case 'messages.update':
        for (const item of asList(data)) {
          const { key, update } = asObj(item);
          const starredFlag = asObj(update).starred;
          const ref = messageRef(asObj(key));
          if (!ref || typeof starredFlag !== 'boolean') continue;
          const id = `${ref.chat}|${ref.messageId}|${ref.fromMe}`;
          if (starredFlag) starred.set(id, ref);
          else starred.delete(id);
        }
        break;
      case 'messages.delete':
        for (const item of asList(asObj(data).keys)) {
          const ref = messageRef(asObj(item));
          if (ref) deletedForMe.set(`${ref.chat}|${ref.messageId}|${ref.fromMe}`, ref);
        }
        break;
      default:
        break;
    }
  }
  return {
    chats: [...chats.values()],
    labels: [...labels.values()],
    contacts: [...contacts.values()],
    messages: { starred: [...starred.values()], deletedForMe: [...deletedForMe.values()] },
  };
}
