/**
 * Domain shapes of messages and receipts as the engine port exposes them (issue 4). Nothing here
 * depends on Baileys; the adapter maps engine messages to these at the border (docs/CONVENTIONS.md §10).
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
  | 'event'
  | 'event_response'
  | 'pin'
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
  /** D25: the event of an `event` message, or the event an `event_response` answers. */
  event?: InboundEvent | null;
  /** The engine's message as JSON (the app stores it to decrypt polls, download media, quote). */
  raw: Record<string, unknown>;
}

/** Receipt statuses of docs/API.md §2.5. */
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
  | { kind: 'text'; text: string; linkPreview?: OutgoingLinkPreview }
  | { kind: 'location'; latitude: number; longitude: number; name?: string; address?: string }
  | { kind: 'poll'; name: string; options: string[]; selectableCount: number }
  | { kind: 'contact' | 'contacts'; contacts: OutgoingVcard[] }
  | { kind: 'reaction'; target: ReactionTarget; emoji: string }
  | OutgoingForward
  | OutgoingEdit
  | OutgoingPin
  | {
      kind: 'buttons';
      text: string;
      title?: string;
      footer?: string;
      buttons: OutgoingButton[];
      /** Header media; replaces `title`. */
      media?: OutgoingHeaderMedia;
    }
  | {
      kind: 'list';
      text: string;
      buttonText: string;
      title?: string;
      footer?: string;
      sections: OutgoingListSection[];
    }
  | { kind: 'interactive'; flow: InteractiveFlow }
  | OutgoingMedia
  | OutgoingEvent
  | {
      kind: 'sticker';
      /** WebP bytes (512×512), base64. */
      base64: string;
      mimeType: string;
    }
  | {
      /** A status (story) to `status@broadcast`, delivered to `statusJidList`. */
      kind: 'status';
      content: { kind: 'text'; text: string } | OutgoingMedia;
      /** Phone JIDs of the contacts who receive the status (WhatsApp's `statusJidList`). */
      statusJidList: string[];
      /** Text statuses: background colour, `#RRGGBB`. */
      backgroundColor?: string;
      /** Text statuses: WhatsApp's font number (`ExtendedTextMessage.FontType`). */
      font?: number;
    };

/**
 * A WhatsApp event message (D25 `POST /api/message/event`). Times are whole Unix seconds;
 * `joinLink` is an http(s) URL the invitees open (never fetched by Wharf).
 */
export interface OutgoingEvent {
  kind: 'event';
  name: string;
  description?: string;
  /** Start, Unix seconds. */
  startTime: number;
  /** End, Unix seconds (after `startTime`). */
  endTime?: number;
  location?: { name?: string; address?: string; latitude?: number; longitude?: number };
  joinLink?: string;
  isScheduleCall?: boolean;
  hasReminder?: boolean;
  /** Seconds before the start the reminder fires (0–31,536,000). */
  reminderOffsetSec?: number;
  extraGuestsAllowed?: boolean;
  isCanceled?: boolean;
}

/**
 * An event as a received message describes it (D25 `message.event` block): the event itself for
 * `event` messages; for `event_response` only `eventMessageId`, the event answered (the answer is
 * encrypted to the event's creator).
 */
export interface InboundEvent {
  /** The `event` message an `event_response` answers; null for the event itself. */
  eventMessageId: string | null;
  name: string | null;
  description: string | null;
  /** ISO-8601 (UTC) or null. */
  startAt: string | null;
  endAt: string | null;
  location: {
    name: string | null;
    address: string | null;
    latitude: number | null;
    longitude: number | null;
  } | null;
  joinLink: string | null;
  isScheduleCall: boolean;
  hasReminder: boolean;
  reminderOffsetSec: number | null;
  extraGuestsAllowed: boolean;
  isCanceled: boolean;
}

/** One vCard of a contact message: the name shown and the vCard 3.0 text (RFC 6350 escaping). */
export interface OutgoingVcard {
  displayName: string;
  vcard: string;
}

/**
 * A stored message forwarded as it is (docs/API.md §3.3 `forward`): `message` is the engine
 * message as stored (`InboundMessage.raw` or a sent message's `raw`); media goes by reference
 * (same CDN file, no upload). `type` and `text` are the stored row's D7 type and content.
 */
export interface OutgoingForward {
  kind: 'forward';
  message: Record<string, unknown>;
  type: MessageType;
  text: string;
}

/**
 * A new text for an own text message (docs/API.md §3.3 `edit`, D7 `message_edit`); the target
 * is in `target.chatJid`. `previousContent` is the stored text before the edit (D7 `edit`).
 */
export interface OutgoingEdit {
  kind: 'edit';
  target: ReactionTarget;
  text: string;
  previousContent: string;
}

/**
 * Pins (`pin: true`, for `seconds`: 86 400, 604 800 or 2 592 000) or unpins a message in its
 * chat (docs/API.md §3.3 `pinMessage`; a `pinInChatMessage`, docs/round2-protocol notes §3.3).
 */
export interface OutgoingPin {
  kind: 'pin';
  target: ReactionTarget;
  pin: boolean;
  seconds: PinSeconds;
}

/** How long WhatsApp keeps a message pinned, seconds: 24 h, 7 d or 30 d. */
export type PinSeconds = 86_400 | 604_800 | 2_592_000;

/** The message a reaction targets (`participant` = its author, needed in groups when not own). */
export interface ReactionTarget {
  chatJid: string;
  messageId: string;
  fromMe: boolean;
  participant?: string;
}

/**
 * A button of an interactive message (docs/API.md §3.2): `REPLY` returns `id` on click, `URL` opens
 * `id`, `CALL` dials `id`, `COPY` copies `id`.
 */
export interface OutgoingButton {
  type: 'REPLY' | 'URL' | 'CALL' | 'COPY';
  id: string;
  displayText: string;
}

/** A section of a list menu; a chosen row's `id` comes back as a reply. */
export interface OutgoingListSection {
  title: string;
  rows: Array<{ id: string; title: string; description?: string }>;
}

/**
 * Media in the header of an interactive message (docs/API.md §3.2 carousel cards, buttons). `url` is
 * what the request named; the app downloads it under D12 in the request and keeps it as `base64`
 * in the stored send until the send resolves (as media sends do), then sets `data` (never stored)
 * at send time, which the adapter uploads to WhatsApp.
 */
export interface OutgoingHeaderMedia {
  type: 'image' | 'video' | 'document';
  url: string;
  /** The downloaded file, base64 (app side only; blanked once the send is resolved). */
  base64?: string;
  data?: Uint8Array;
  mimetype?: string;
  fileName?: string;
}

/** A card of a carousel. */
export interface OutgoingCard {
  title: string;
  subtitle?: string;
  media?: OutgoingHeaderMedia;
  body: string;
  footer?: string;
  buttons: OutgoingButton[];
}

/** The native-flow interactive messages: a carousel, a Flow form, a PIX "copy key" card. */
export type InteractiveFlow =
  | { type: 'carousel'; text: string; footer?: string; cards: OutgoingCard[] }
  | {
      type: 'form';
      text: string;
      buttonLabel: string;
      /** The `galaxy_message` button parameters (the Flow to open), as JSON text. */
      buttonParamsJson: string;
    }
  | {
      type: 'pix';
      text: string;
      merchantName: string;
      pixKey: string;
      pixKeyType: 'CPF' | 'CNPJ' | 'EMAIL' | 'PHONE' | 'RANDOM';
      items: Array<{ name: string; description?: string; quantity: number; unitPrice: number }>;
    };

/** A link preview attached to a text message (`extendedTextMessage` fields). */
export interface OutgoingLinkPreview {
  /** The URL as it appears in the text. */
  matchedText: string;
  canonicalUrl: string;
  title: string;
  description?: string;
  /** JPEG thumbnail, base64. */
  jpegThumbnailBase64?: string;
}

/** What WhatsApp answered for a phone number (D13): whether it exists and its JID. */
export interface NumberLookup {
  /** The number asked for, digits only. */
  number: string;
  exists: boolean;
  /** The account's JID when it exists. */
  jid: string | null;
}

/**
 * Media to send (docs/API.md §3.2 `POST /api/message/media`). The bytes travel as base64 so the
 * content survives being stored as JSON with the message row until it is sent (D14).
 */
export interface OutgoingMedia {
  kind: 'media';
  mediaType: 'image' | 'video' | 'document' | 'audio';
  /** The file, base64 (already converted: voice notes are OGG/Opus). */
  base64: string;
  mimeType: string;
  fileName?: string;
  caption?: string;
  /** Audio only: send as a voice note (push-to-talk). */
  ptt?: boolean;
  /** Audio/video duration, seconds. */
  seconds?: number;
  /** Voice notes: 64 amplitude samples 0–100. */
  waveform?: number[];
}

export interface SendOptions {
  /** Pre-generated WhatsApp message id (D14: the row is written before the send). */
  messageId?: string;
  /** The engine message to quote, as `InboundMessage.raw` or a sent message's `raw`. */
  quoted?: Record<string, unknown>;
  /** JIDs to mention. */
  mentions?: string[];
}
