/**
 * Domain shapes of messages and receipts as the engine port exposes them (issue 4). Nothing here
 * depends on Baileys; the adapter maps engine messages to these at the border (CONVENTIONS §10).
 * The names follow D7's `message.type` vocabulary.
 */

/** `message.type` of D7. */
export type MessageType =
  | 'text'
  | 'image'
  | 'video'
  | 'audio'
  | 'ptt'
  | 'ptv'
  | 'document'
  | 'sticker'
  | 'location'
  | 'contact'
  | 'contacts'
  | 'reaction'
  | 'poll'
  | 'poll_update'
  | 'buttons'
  | 'list'
  | 'interactive'
  | 'buttons_response'
  | 'list_response'
  | 'template_button_reply'
  | 'message_edit'
  | 'message_revoke'
  | 'unknown';

/** Media of a message as WhatsApp describes it (bytes are downloaded separately). */
export interface InboundMedia {
  type: 'image' | 'video' | 'audio' | 'ptt' | 'ptv' | 'document' | 'sticker';
  mimetype: string | null;
  fileName: string | null;
  caption: string | null;
  /** Bytes, as WhatsApp announced them. */
  size: number | null;
  /** SHA-256 of the plaintext, base64. */
  sha256: string | null;
  /** Seconds (audio, video). */
  duration: number | null;
  width: number | null;
  height: number | null;
  isVoiceNote: boolean;
  /** The CDN URL (encrypted bytes). */
  url: string | null;
}

/** The quoted message and mentions of a message (D7 `context`). */
export interface MessageContext {
  quotedMessageId: string | null;
  quotedContent: string | null;
  quotedSender: string | null;
  mentions: string[];
}

/** A message WhatsApp delivered to the session (or an echo of one this account sent elsewhere). */
export interface InboundMessage {
  id: string;
  /** Chat JID as WhatsApp addressed it (phone JID, `@lid`, `@g.us`, `@newsletter`, `status@broadcast`). */
  chatJid: string;
  /** The other form of a 1:1 chat's address (LID ↔ phone JID) when WhatsApp sent it. */
  chatJidAlt: string | null;
  /** Author: the participant in groups, the chat in 1:1, own JID when `fromMe`. */
  senderJid: string;
  senderJidAlt: string | null;
  fromMe: boolean;
  pushName: string | null;
  timestamp: Date;
  type: MessageType;
  /** Always a string: the text, the caption, or a short rendering (D7 `content`). */
  content: string;
  isForwarded: boolean;
  context: MessageContext | null;
  media: InboundMedia | null;
  location: {
    latitude: number;
    longitude: number;
    name: string | null;
    address: string | null;
  } | null;
  contacts: Array<{ displayName: string; vcard: string }> | null;
  reaction: { messageId: string; emoji: string } | null;
  poll: { name: string; options: string[]; selectableCount: number } | null;
  /** Encrypted poll vote; `pollMessageId` names the poll (decrypted by the app with the poll's secret). */
  pollUpdate: { pollMessageId: string } | null;
  edit: { originalId: string; newContent: string } | null;
  revoke: { messageId: string } | null;
  interactive: { selectedButtonId?: string; selectedRowId?: string; title?: string } | null;
  /** The engine's message as JSON (the app stores it to decrypt polls, download media, quote). */
  raw: Record<string, unknown>;
}

/** Receipt statuses of API.md §2.5. */
export type ReceiptStatus =
  | 'sent'
  | 'delivered'
  | 'read'
  | 'played'
  | 'read_self'
  | 'played_self'
  | 'retry'
  | 'inactive'
  | 'server_error'
  | 'sender';

/** A status change of messages this session sent (or, with `*_self`, of messages it received). */
export interface ReceiptEvent {
  messageIds: string[];
  chatJid: string;
  /** Group member whose receipt this is, in groups. */
  participant: string | null;
  status: ReceiptStatus;
  timestamp: Date;
}

/** What to send (issue 4 grows this union one message type at a time). */
export type OutgoingContent =
  | { kind: 'text'; text: string }
  | { kind: 'location'; latitude: number; longitude: number; name?: string; address?: string }
  | { kind: 'poll'; name: string; options: string[]; selectableCount: number };

export interface SendOptions {
  /** Pre-generated WhatsApp message id (D14: the row is written before the send). */
  messageId?: string;
  /** The engine message to quote, as `InboundMessage.raw` or a sent message's `raw`. */
  quoted?: Record<string, unknown>;
  /** JIDs to mention. */
  mentions?: string[];
}
