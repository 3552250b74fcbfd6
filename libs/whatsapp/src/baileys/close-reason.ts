import type { DisconnectCause } from '../types';

/** Baileys' close codes (`DisconnectReason`, `Types/index.js`, plus WhatsApp failure reasons). */
export const CloseCode = {
  loggedOut: 401,
  tempBanned: 402,
  forbidden: 403,
  timedOut: 408,
  connectionClosed: 428,
  connectionReplaced: 440,
  restartRequired: 515,
} as const;

/** The message Baileys closes with when every QR ref expired (`socket.js`, rc14). */
export const QR_REFS_ENDED = 'QR refs attempts ended';

/** What the adapter does about a closed socket. */
export type CloseOutcome =
  | { kind: 'restart' }
  | { kind: 'logged_out' }
  | { kind: 'banned'; temporary: boolean }
  | { kind: 'disconnected'; cause: DisconnectCause; retryable: boolean };

/**
 * Maps the close of a Baileys socket (status code of its `lastDisconnect` error, and that
 * error's message) to what the session does:
 * - 515 restart required (sent right after linking) → the adapter reconnects at once;
 * - 401 logged out (unlinked on the phone, or the creds were refused) → `loggedout`, clear creds;
 * - 403 forbidden → `banned`; 402 (WhatsApp's temporary ban failure) → `banned/temp_banned`;
 * - 440 connection replaced → `disconnected`, cause `replaced`, not retryable (D20);
 * - 408 "QR refs attempts ended" → `disconnected`, cause `qr_timeout`, not retryable;
 * - anything else (408, 428, 500, 503, network errors, no code) → `disconnected`,
 *   cause `connection_lost`, retryable: the caller applies its backoff (D10).
 */
export function classifyClose(statusCode: number | undefined, message?: string): CloseOutcome {
  if (statusCode === CloseCode.restartRequired) {
    return { kind: 'restart' };
  }
  if (statusCode === CloseCode.loggedOut) {
    return { kind: 'logged_out' };
  }
  if (statusCode === CloseCode.forbidden || statusCode === CloseCode.tempBanned) {
    return { kind: 'banned', temporary: statusCode === CloseCode.tempBanned };
  }
  if (statusCode === CloseCode.connectionReplaced) {
    return { kind: 'disconnected', cause: 'replaced', retryable: false };
  }
  if (statusCode === CloseCode.timedOut && message === QR_REFS_ENDED) {
    return { kind: 'disconnected', cause: 'qr_timeout', retryable: false };
  }
  return { kind: 'disconnected', cause: 'connection_lost', retryable: true };
}

/** The status code Baileys put on a close or request error (`output.statusCode`, Boom), if any. */
export function statusCodeOf(error: Error | undefined): number | undefined {
  const output = (error as { output?: { statusCode?: unknown } } | undefined)?.output;
  return typeof output?.statusCode === 'number' ? output.statusCode : undefined;
}
