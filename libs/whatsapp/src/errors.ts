/**
 * Errors the engine port throws. They carry a stable `code` (D2) and the literal message of the
 * spec where one exists; the app's error filter maps them to HTTP answers. They know nothing of
 * HTTP themselves.
 */
export abstract class WhatsAppEngineError extends Error {
  /** Stable SCREAMING_SNAKE code (D2). */
  abstract readonly code: string;

  constructor(message: string) {
    super(message);
    this.name = new.target.name;
  }
}

/**
 * The engine cannot do this operation (D16, answered as 501). `operation` names it
 * (`'<facet>.<operation>'`, e.g. `'calls.reject'`) for logs; the client-facing message stays the
 * literal.
 */
export class NotSupportedByEngineError extends WhatsAppEngineError {
  readonly code = 'NOT_SUPPORTED_BY_ENGINE';

  constructor(
    message = 'Not supported by the WhatsApp engine',
    readonly operation?: string,
  ) {
    super(message);
  }
}

/** The operation needs a live connection and the session has none (API.md: 503). */
export class SessionNotConnectedError extends WhatsAppEngineError {
  readonly code = 'INSTANCE_NOT_CONNECTED';

  constructor(message = 'Instance is not connected to WhatsApp') {
    super(message);
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
