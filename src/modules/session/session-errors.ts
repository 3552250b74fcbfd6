import { HttpStatus } from '@nestjs/common';
import { fixedError } from '@wharf/common/errors';

/** 504 of D9: no QR or pairing code within the connect time limit. */
export class ConnectTimeoutError extends fixedError(
  HttpStatus.GATEWAY_TIMEOUT,
  'CONNECT_TIMEOUT',
  'Timed out waiting for QR code',
) {}

/** 400 of docs/API.md reconnect: never linked, or logged out. */
export class NoSavedSessionError extends fixedError(
  HttpStatus.BAD_REQUEST,
  'NO_SAVED_SESSION',
  'Instance has no saved session, call /connect first',
) {}

/** 409: the session is live in another Wharf process (D20) and this one cannot act on it. */
export class SessionOwnedElsewhereError extends fixedError(
  HttpStatus.CONFLICT,
  'SESSION_OWNED_ELSEWHERE',
  'Instance session is running on another Wharf process, try again shortly',
) {}

/** 503 of docs/API.md §1.4. */
export class InstanceNotConnectedError extends fixedError(
  HttpStatus.SERVICE_UNAVAILABLE,
  'INSTANCE_NOT_CONNECTED',
  'Instance is not connected to WhatsApp',
) {}
