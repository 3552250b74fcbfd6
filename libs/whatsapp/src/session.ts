import {
  CALLS_NOT_SUPPORTED,
  type CallsFacet,
  CHATS_NOT_SUPPORTED,
  type ChatsFacet,
  CONTACTS_NOT_SUPPORTED,
  type ContactsFacet,
  GROUPS_NOT_SUPPORTED,
  type GroupsFacet,
  LABELS_NOT_SUPPORTED,
  type LabelsFacet,
  MESSAGES_NOT_SUPPORTED,
  type MessagesFacet,
  notSupported,
  PRESENCE_NOT_SUPPORTED,
  type PresenceFacet,
  PRIVACY_NOT_SUPPORTED,
  type PrivacyFacet,
} from './facets';
import { TypedEventEmitter } from './typed-event-emitter';
import type { SessionMe, SessionState, WhatsAppSessionEvents } from './types';

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
 * - `appState` (`AppStateEvent`) for each app-state change (chat flags, labels, contacts,
 *   stars, deletions for me), from this device's own writes or from the other devices, and for
 *   contacts seen with a push name.
 *
 * Capabilities are facets (`messages`, `contacts`, `groups`, `presence`, `calls`, `chats`,
 * `labels`; the coming `profile`, `communities`, `newsletters`, `privacy` are declared in
 * `facets/future.ts`), each a small interface of domain types. A facet an adapter does not
 * provide keeps its default, whose operations reject with `NotSupportedByEngineError` naming
 * `'<facet>.<operation>'` (D16). The app runs them through its session-command registry
 * (`sessions.run(instance, 'facet.operation', args)`), which reaches the owning process.
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
    return notSupported('session.requestPairingCode');
  }

  /** Sending, ids, read receipts, media download. */
  readonly messages: MessagesFacet = MESSAGES_NOT_SUPPORTED;

  /** Who has WhatsApp (D13). */
  readonly contacts: ContactsFacet = CONTACTS_NOT_SUPPORTED;

  /** Groups. */
  readonly groups: GroupsFacet = GROUPS_NOT_SUPPORTED;

  /** Own presence and chat states. */
  readonly presence: PresenceFacet = PRESENCE_NOT_SUPPORTED;

  /** Calls. */
  readonly calls: CallsFacet = CALLS_NOT_SUPPORTED;

  /** The blocklist (docs/API.md §3.3 `block`). */
  readonly privacy: PrivacyFacet = PRIVACY_NOT_SUPPORTED;

  /** Chat state in WhatsApp's app state (archive, pin, mute, read, delete, star), and revokes. */
  readonly chats: ChatsFacet = CHATS_NOT_SUPPORTED;

  /** WhatsApp Business labels (app state). */
  readonly labels: LabelsFacet = LABELS_NOT_SUPPORTED;
}
