import type { AppStateEvent } from './app-state';
import type { InboundMedia, InboundMessage, ReceiptEvent } from './messages';

/**
 * Domain types of the engine port. Nothing here depends on Baileys: the adapter maps its
 * events to these shapes at the border (docs/CONVENTIONS.md §10).
 */

/** Instance state (D7, D10). */
export type SessionState = 'disconnected' | 'connecting' | 'connected' | 'loggedout' | 'banned';

/** Why the state is what it is: the D7 `reason` vocabulary of `instance.state`. */
export type ConnectionReason =
  | 'qr_ready'
  | 'pairing_code'
  | 'connected'
  | 'reconnecting'
  | 'connection_lost'
  | 'logged_out'
  | 'temp_banned'
  | 'banned'
  | 'restart_required';

/**
 * What ended a connection that is now `disconnected` (not logged out, not banned):
 * - `connection_lost`: the socket closed or failed (network, server error, time-out while
 *   connecting); reconnecting with backoff (D10) is expected to work.
 * - `replaced`: another socket logged in with the same credentials (WhatsApp close code 440).
 *   Reconnecting would take the session back from it; under D20 that other socket is the owner.
 * - `qr_timeout`: the session was waiting to be linked and every QR expired without a scan.
 *   A new `start()` begins a new linking attempt; retrying in a loop makes no sense.
 */
export type DisconnectCause = 'connection_lost' | 'replaced' | 'qr_timeout';

/** Payload of the `connection` event. */
export interface ConnectionEvent {
  state: SessionState;
  reason: ConnectionReason;
  /** QR string to render (`qr_ready`). A new one arrives every ~20 s while unlinked. */
  qr?: string;
  /** 8-character code the user types on the phone (`pairing_code`). */
  pairingCode?: string;
  /** Own device JID `<number>:<device>@s.whatsapp.net` (`connected`). */
  jid?: string;
  /** Own LID, `<lid>@lid` (`connected`, when WhatsApp sent it). */
  lid?: string;
  /** True on the first `connected` after linking a phone (a new login, not a reconnect). */
  isNewLogin?: boolean;
  /** WhatsApp/engine close code for disconnects, logouts, bans and restarts (401, 403, 408, 428, 440, 515, …). */
  statusCode?: number;
  /** Engine message describing the close, for logs (never shown to API clients as-is). */
  error?: string;
  /** Only with `state: 'disconnected'`: what ended the connection. */
  cause?: DisconnectCause;
  /**
   * Only with `state: 'disconnected'`: whether reconnecting with backoff can help (true for
   * `connection_lost`, false for `replaced` and `qr_timeout`). The caller decides (D10).
   */
  retryable?: boolean;
}

/** Call status as Wharf reports it. Engine-internal signalling (transport, latency) is not reported. */
export type CallStatus = 'offer' | 'ringing' | 'accepted' | 'rejected' | 'terminated' | 'timeout';

/** Payload of the `call` event: one per call status change. */
export interface CallEvent {
  /** Call id, the one {@link WhatsAppSession.rejectCall} takes. */
  id: string;
  /** JID of the caller as WhatsApp addressed it (a phone-number JID or a `@lid`). */
  from: string;
  /** The caller's phone-number JID when WhatsApp sent it besides a LID. */
  callerPn?: string;
  /** Chat the call belongs to (the caller, or the group). */
  chatId: string;
  /** Group JID of a group call. */
  groupJid?: string;
  status: CallStatus;
  isVideo: boolean;
  isGroup: boolean;
  /** True when the event was delivered from the offline queue (the call is probably over). */
  offline: boolean;
  /** When the call event happened (WhatsApp's time). */
  timestamp: Date;
}

/** Payload of the `profile` event: the own account as far as it is known. */
export interface ProfileEvent {
  jid: string;
  lid: string | null;
  /** Push name, or the business name of a business account; null until known. */
  name: string | null;
  /** Platform of the primary phone (`android`, `iphone`, `smba`, `smbi`, …), null if unknown. */
  platform: string | null;
  /** True when the primary runs WhatsApp Business (`smba`/`smbi`). */
  isBusiness: boolean;
}

/** The own account of a linked session. */
export interface SessionMe {
  /** Own device JID `<number>:<device>@s.whatsapp.net`. */
  jid: string;
  /** Own LID `<lid>@lid`, null until WhatsApp sent it. */
  lid: string | null;
  /** Push name, null until known. */
  name: string | null;
}

/** Own presence as {@link WhatsAppSession.sendPresence} sets it. */
export type OwnPresence = 'available' | 'unavailable';

/** Result of a send: the WhatsApp message id and the time WhatsApp stamped it with. */
export interface SentMessage {
  id: string;
  timestamp: Date;
  /** The engine message as JSON (to store, and to quote it later). */
  raw?: Record<string, unknown>;
  /** Media sends: what WhatsApp was told about the upload (CDN URL, size, duration…). */
  media?: InboundMedia;
}

/** Event map of {@link WhatsAppSession}. */
export interface WhatsAppSessionEvents {
  connection: ConnectionEvent;
  call: CallEvent;
  profile: ProfileEvent;
  /** A message received, or sent by this account from another device (`fromMe`). */
  message: InboundMessage;
  /** Delivery/read/played receipts and server acks of messages. */
  receipt: ReceiptEvent;
  /** One app-state change or contact seen (see `app-state.ts`). */
  appState: AppStateEvent;
}
