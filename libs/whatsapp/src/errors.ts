/**
 * Errors the engine port throws. They carry a stable `code` (D2) and an engine-side message for
 * logs; the app maps each code to its HTTP answer in one table (`src/common/errors/engine-errors.ts`).
 * They know nothing of HTTP themselves.
 */

/**
 * Every code an engine error can carry. A new engine error adds its code here, which makes the
 * app's table (a `Record` keyed by these codes) fail the type-check until the code has its answer.
 */
export const ENGINE_ERROR_CODES = [
  'NOT_SUPPORTED_BY_ENGINE',
  'INSTANCE_NOT_CONNECTED',
  'PAIRING_CODE_UNAVAILABLE',
  'INVALID_JID',
  'MEDIA_UNAVAILABLE',
  'WHATSAPP_REQUEST_FAILED',
  'WHATSAPP_NOT_AUTHORIZED',
  'WHATSAPP_ITEM_NOT_FOUND',
  'WHATSAPP_CONFLICT',
  'WHATSAPP_RATE_LIMITED',
  'APP_STATE_NOT_READY',
] as const;

/** One of {@link ENGINE_ERROR_CODES}. */
export type EngineErrorCode = (typeof ENGINE_ERROR_CODES)[number];

export abstract class WhatsAppEngineError extends Error {
  /** Stable SCREAMING_SNAKE code (D2), one of {@link ENGINE_ERROR_CODES}. */
  abstract readonly code: EngineErrorCode;

  /**
   * @param message for logs; never sent to clients as is (it may hold the input)
   * @param operation the engine operation that failed (e.g. `groups.metadata`), when known: the
   *   app's table may answer a route-specific literal for it (D16)
   */
  constructor(
    message: string,
    readonly operation?: string,
  ) {
    super(message);
    this.name = new.target.name;
  }
}

/** The engine cannot do this operation (D16, answered as 501). */
export class NotSupportedByEngineError extends WhatsAppEngineError {
  readonly code = 'NOT_SUPPORTED_BY_ENGINE';

  /** @param operation the unsupported operation (e.g. `newsletters.unfollow`), when known */
  constructor(operation?: string) {
    super(
      operation
        ? `Not supported by the WhatsApp engine: ${operation}`
        : 'Not supported by the WhatsApp engine',
      operation,
    );
  }
}

/** The operation needs a live connection and the session has none (docs/API.md: 503). */
export class SessionNotConnectedError extends WhatsAppEngineError {
  readonly code = 'INSTANCE_NOT_CONNECTED';

  constructor(message = 'Instance is not connected to WhatsApp', operation?: string) {
    super(message, operation);
  }
}

/**
 * A pairing code was asked for when none can be made: the session is not started, is already
 * linked to a phone, or its registration stream closed before it came up.
 */
export class PairingCodeUnavailableError extends WhatsAppEngineError {
  readonly code = 'PAIRING_CODE_UNAVAILABLE';
}

/** A phone number or JID that cannot be normalized (D13). */
export class InvalidJidError extends WhatsAppEngineError {
  readonly code = 'INVALID_JID';

  constructor(message = 'Invalid phone number or JID') {
    super(message);
  }
}

/**
 * The media of a message cannot be had: the message has no media, or WhatsApp's CDN did not
 * deliver it (also after asking the phone to upload it again). `cause` tells why.
 */
export class MediaUnavailableError extends WhatsAppEngineError {
  readonly code = 'MEDIA_UNAVAILABLE';
}

/**
 * WhatsApp answered a request (an iq) with an error: `whatsappCode` and `whatsappText` are its
 * `<error code text>` (e.g. `500 internal-server-error`, `400 bad-request`). This class is the
 * catch-all; the answers a caller can act on have their own subclasses below. Made by the
 * adapter's mapper (`baileys/iq-errors.ts`) from the WhatsApp code, never from Baileys' own
 * status (docs: docs/sandbox-protocol-notes.md, rc14 trap 14).
 */
export class WhatsAppRequestError extends WhatsAppEngineError {
  readonly code: EngineErrorCode = 'WHATSAPP_REQUEST_FAILED';

  /**
   * @param whatsappCode WhatsApp's numeric error code, or null when the answer had none
   * @param whatsappText WhatsApp's error text (`item-not-found`, `not-authorized` …), may be empty
   * @param operation the engine operation that failed, when known
   */
  constructor(
    readonly whatsappCode: number | null,
    readonly whatsappText: string,
    operation?: string,
  ) {
    super(
      `WhatsApp answered ${whatsappCode ?? 'an error'}${whatsappText ? ` ${whatsappText}` : ''}` +
        (operation ? ` to ${operation}` : ''),
      operation,
    );
  }
}

/** WhatsApp refused the request for lack of rights: 401 `not-authorized`, 403 `forbidden` (e.g. not a group admin). */
export class WhatsAppNotAuthorizedError extends WhatsAppRequestError {
  override readonly code = 'WHATSAPP_NOT_AUTHORIZED';
}

/** What the request names does not exist for this account: 404 `item-not-found`, 410 `gone` (e.g. a revoked invite). */
export class WhatsAppItemNotFoundError extends WhatsAppRequestError {
  override readonly code = 'WHATSAPP_ITEM_NOT_FOUND';
}

/** The request conflicts with WhatsApp's current state: 406 `not-acceptable`, 409 `conflict`. */
export class WhatsAppConflictError extends WhatsAppRequestError {
  override readonly code = 'WHATSAPP_CONFLICT';
}

/** WhatsApp throttles the account: 429 `rate-overlimit`. */
export class WhatsAppRateLimitedError extends WhatsAppRequestError {
  override readonly code = 'WHATSAPP_RATE_LIMITED';
}

/**
 * An app-state write (archive, pin, mute, labels…) was asked for before the account's phone shared
 * its app-state key with this device (`creds.myAppStateKeyId` unset), and the key did not arrive
 * within the engine's bounded wait. Without the key no patch can be encrypted
 * (docs/round2-protocol notes §2.1; Baileys' `App state key not present!`). Retrying later helps
 * once the phone has shared it.
 */
export class AppStateNotReadyError extends WhatsAppEngineError {
  readonly code = 'APP_STATE_NOT_READY';

  constructor(operation?: string) {
    super('The phone has not shared the app-state key with this device yet', operation);
  }
}
