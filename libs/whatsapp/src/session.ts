import type { Readable } from 'node:stream';

import { NotSupportedByEngineError } from './errors';
import type { NumberLookup, OutgoingContent, SendOptions } from './messages';
import { TypedEventEmitter } from './typed-event-emitter';
import type {
  OwnPresence,
  SentMessage,
  SessionMe,
  SessionState,
  WhatsAppSessionEvents,
} from './types';

/**
 * The engine port: one WhatsApp session (one linked device) of one instance. The app's
 * session provider owns it (D20: one live session per instance across all processes) and
 * decides about reconnects (D10); the session itself only reconnects for the restart WhatsApp
 * requires right after linking.
 *
 * Events:
 * - `connection` ({@link ConnectionEvent}) on every state change the caller must know about:
 *   `connecting/qr_ready` (each QR), `connecting/pairing_code`, `connecting/restart_required`,
 *   `connected/connected`, `disconnected/connection_lost` (with `statusCode`, `cause`,
 *   `retryable`), `loggedout/logged_out`, `banned/banned|temp_banned`. `start()` and `stop()`
 *   emit nothing themselves: the caller knows it called them (`state` tells the rest).
 * - `call` ({@link CallEvent}) for incoming calls.
 * - `profile` ({@link ProfileEvent}) when the own profile becomes known or changes.
 *
 * Optional capabilities reject with {@link NotSupportedByEngineError} (D16) unless an adapter
 * implements them.
 */
export abstract class WhatsAppSession extends TypedEventEmitter<WhatsAppSessionEvents> {
  /** Current state; `disconnected` before `start()`. */
  abstract get state(): SessionState;

  /** The linked account, or null while no phone is linked (never linked, or logged out). */
  abstract get me(): SessionMe | null;

  /**
   * Opens the connection with the stored credentials, or starts linking (QR events) when there
   * are none. Resolves once the connection attempt has begun, not when it is connected; the
   * outcome arrives as `connection` events. No-op while already started.
   */
  abstract start(): Promise<void>;

  /**
   * Closes the connection and keeps the credentials, so a later `start()` logs in again
   * without a QR. Resolves when the socket is closed and pending credential writes are done;
   * after that the session writes nothing more to its store. Emits no event.
   */
  abstract stop(): Promise<void>;

  /**
   * Unlinks this device from the phone (when connected) and clears the credentials from the
   * store. Emits `loggedout/logged_out`. A later `start()` begins a new linking.
   */
  abstract logout(): Promise<void>;

  /**
   * Asks for an 8-character pairing code for `phoneNumber` (digits, `+`, spaces, dashes and
   * parentheses allowed, D13) while the session waits to be linked. Emits
   * `connecting/pairing_code`. Throws `PairingCodeUnavailableError` when the session is not
   * started or already linked, `InvalidJidError` for a bad number.
   */
  requestPairingCode(_phoneNumber: string): Promise<string> {
    return Promise.reject(new NotSupportedByEngineError());
  }

  /** Rejects an incoming call (`callId` and `callerJid` from the `call` event). */
  rejectCall(_callId: string, _callerJid: string): Promise<void> {
    return Promise.reject(new NotSupportedByEngineError());
  }

  /** Sets the own presence. Throws `SessionNotConnectedError` when not connected. */
  sendPresence(_presence: OwnPresence): Promise<void> {
    return Promise.reject(new NotSupportedByEngineError());
  }

  /**
   * Shows "typing…" (`composing`), "recording audio…" (`recording`) or stops it (`paused`) in the
   * chat `chatJid` (D14 `delay`). Throws `SessionNotConnectedError` when not connected.
   */
  sendChatPresence(_chatJid: string, _presence: 'composing' | 'recording' | 'paused'): Promise<void> {
    return Promise.reject(new NotSupportedByEngineError());
  }

  /**
   * Sends a plain text message to `toJid` (a normalized JID, see `jid.ts`). Throws
   * `SessionNotConnectedError` when not connected.
   */
  sendText(_toJid: string, _text: string): Promise<SentMessage> {
    return Promise.reject(new NotSupportedByEngineError());
  }

  /**
   * Sends `content` to `toJid` (a normalized JID), with a pre-generated id when given (D14),
   * quoting and mentions. Throws `SessionNotConnectedError` when not connected.
   */
  sendMessage(
    _toJid: string,
    _content: OutgoingContent,
    _options?: SendOptions,
  ): Promise<SentMessage> {
    return Promise.reject(new NotSupportedByEngineError());
  }

  /** A new message id in WhatsApp's format, for writing the row before sending (D14). */
  generateMessageId(): string {
    throw new NotSupportedByEngineError();
  }

  /**
   * Sends read receipts ("blue ticks") for received messages: `chatJid` is the chat, `participant`
   * the author in groups. Throws `SessionNotConnectedError` when not connected.
   */
  readMessages(_keys: Array<{ chatJid: string; id: string; participant?: string | null }>): Promise<void> {
    return Promise.reject(new NotSupportedByEngineError());
  }

  /**
   * Downloads and decrypts the media of a message (D15). `raw` is the engine message as stored
   * (`InboundMessage.raw` or a sent message's `raw`). Resolves to the plaintext bytes as a
   * stream; when WhatsApp's CDN no longer has the file (404/410) the phone is asked to upload it
   * again once. Throws `SessionNotConnectedError` when not connected and a `MediaUnavailableError`
   * when the message has no media or the download fails.
   */
  downloadMedia(_raw: Record<string, unknown>): Promise<Readable | Buffer> {
    return Promise.reject(new NotSupportedByEngineError());
  }

  /**
   * Asks WhatsApp which of `numbers` (digits only, country code first) have an account (usync
   * contact query; D13). Answers one entry per number, in order. Throws
   * `SessionNotConnectedError` when not connected.
   */
  lookupNumbers(_numbers: string[]): Promise<NumberLookup[]> {
    return Promise.reject(new NotSupportedByEngineError());
  }

  /** JIDs of every participant of the group `groupJid` (as WhatsApp addresses them). */
  groupParticipants(_groupJid: string): Promise<string[]> {
    return Promise.reject(new NotSupportedByEngineError());
  }
}
