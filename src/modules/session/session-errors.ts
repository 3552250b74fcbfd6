import { HttpStatus } from '@nestjs/common';

import { DomainError } from '../../common/errors';

/** 504 of D9: no QR or pairing code within the connect time limit. */
export class ConnectTimeoutError extends DomainError {
  static readonly status = HttpStatus.GATEWAY_TIMEOUT;
  static readonly code = 'CONNECT_TIMEOUT';
  static readonly literal = 'Timed out waiting for QR code';
  constructor() {
    super(HttpStatus.GATEWAY_TIMEOUT, ConnectTimeoutError.code, ConnectTimeoutError.literal);
  }
}

/** 400 of API.md reconnect: never linked, or logged out. */
export class NoSavedSessionError extends DomainError {
  static readonly status = HttpStatus.BAD_REQUEST;
  static readonly code = 'NO_SAVED_SESSION';
  static readonly literal = 'Instance has no saved session, call /connect first';
  constructor() {
    super(HttpStatus.BAD_REQUEST, NoSavedSessionError.code, NoSavedSessionError.literal);
  }
}

/** 409: the session is live in another Wharf process (D20) and this one cannot act on it. */
export class SessionOwnedElsewhereError extends DomainError {
  static readonly status = HttpStatus.CONFLICT;
  static readonly code = 'SESSION_OWNED_ELSEWHERE';
  static readonly literal =
    'Instance session is running on another Wharf process, try again shortly';
  constructor() {
    super(HttpStatus.CONFLICT, SessionOwnedElsewhereError.code, SessionOwnedElsewhereError.literal);
  }
}

/** 503 of API.md §1.4. */
export class InstanceNotConnectedError extends DomainError {
  static readonly status = HttpStatus.SERVICE_UNAVAILABLE;
  static readonly code = 'INSTANCE_NOT_CONNECTED';
  static readonly literal = 'Instance is not connected to WhatsApp';
  constructor() {
    super(
      HttpStatus.SERVICE_UNAVAILABLE,
      InstanceNotConnectedError.code,
      InstanceNotConnectedError.literal,
    );
  }
}
