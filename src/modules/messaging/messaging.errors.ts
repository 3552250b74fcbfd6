import { HttpStatus } from '@nestjs/common';
import { DomainError, fixedError, ValidationFailedError } from '@wharf/common/errors';

/**
 * The domain errors of sending (docs/API.md §3.2 "Common errors", D12, D13, D14). Each carries its
 * HTTP status, stable `code` and the spec's literal, for the error filter and `@ApiErrors` alike;
 * none echoes the request.
 */

/** 400 for a `number` that is neither digits (D13 punctuation allowed) nor a JID (docs/API.md §3.2). */
export class InvalidNumberError extends fixedError(
  HttpStatus.BAD_REQUEST,
  'INVALID_NUMBER',
  'Invalid phone number or JID',
) {}

/** 400 for a number WhatsApp has no account for, in neither 9th-digit variant (docs/API.md §3.2, D13). */
export class NumberNotOnWhatsAppError extends fixedError(
  HttpStatus.BAD_REQUEST,
  'NUMBER_NOT_ON_WHATSAPP',
  'Number is not on WhatsApp',
) {}

/** 400 for a group reaction to someone else's message without its author (internal status `missing_participant`). */
export class MissingParticipantError extends fixedError(
  HttpStatus.BAD_REQUEST,
  'MISSING_PARTICIPANT',
  'participant is required to react to a group message not sent by this instance',
) {}

/** 409 for an `Idempotency-Key` already used with another body (D14). */
export class IdempotencyConflictError extends fixedError(
  HttpStatus.CONFLICT,
  'IDEMPOTENCY_KEY_REUSED',
  'Idempotency-Key was already used with a different request',
) {}

/** 500 for a send the engine refused; `message` is safe to show (no input echoed). */
export class SendFailedError extends DomainError {
  static readonly status = HttpStatus.INTERNAL_SERVER_ERROR;
  static readonly code = 'SEND_FAILED';
  static readonly literal = 'Failed to send message: <reason>';
  constructor(reason: string) {
    super(
      HttpStatus.INTERNAL_SERVER_ERROR,
      SendFailedError.code,
      `Failed to send message: ${reason}`,
    );
  }
}

/** 501 for an accepted field whose behaviour Wharf does not have yet (never silently ignored). */
export class NotImplementedYetError extends DomainError {
  static readonly status = HttpStatus.NOT_IMPLEMENTED;
  static readonly code = 'NOT_IMPLEMENTED';
  static readonly literal = '<field> is not implemented yet';
  constructor(field: string) {
    super(HttpStatus.NOT_IMPLEMENTED, 'NOT_IMPLEMENTED', `${field} is not implemented yet`);
  }
}

/** 400 for a media URL Wharf refused or could not download (D12); the URL is never echoed. */
export class MediaFetchFailedError extends DomainError {
  static readonly status = HttpStatus.BAD_REQUEST;
  static readonly code = 'MEDIA_FETCH_FAILED';
  static readonly literal = 'Failed to fetch media: <reason>';
  constructor(reason: string) {
    super(HttpStatus.BAD_REQUEST, MediaFetchFailedError.code, `Failed to fetch media: ${reason}`);
  }
}

/** 400 for media that cannot be converted to what WhatsApp needs (voice note, sticker). */
export class MediaConversionError extends DomainError {
  static readonly status = HttpStatus.BAD_REQUEST;
  static readonly code = 'MEDIA_CONVERSION_FAILED';
  static readonly literal = 'Failed to convert media: <reason>';
  constructor(reason: string) {
    super(HttpStatus.BAD_REQUEST, MediaConversionError.code, `Failed to convert media: ${reason}`);
  }
}

/**
 * 400 `Invalid request body: <detail>` (D2) naming one field: a cross-field rule of a send body
 * that class-validator cannot state (e.g. `cards[0].header takes imageUrl or videoUrl, not both`).
 */
export function invalidField(field: string, detail: string): ValidationFailedError {
  return new ValidationFailedError(`Invalid request body: ${detail}`, [{ field, message: detail }]);
}
