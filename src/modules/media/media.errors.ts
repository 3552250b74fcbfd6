import { HttpStatus } from '@nestjs/common';
import { DomainError, fixedError } from '@wharf/common/errors';

/* Errors of the media routes (D15): status, code and literal (D2). */

/** 404 of D15 and docs/API.md `GET /api/chat/base64`. */
export class MediaNotFoundError extends fixedError(
  HttpStatus.NOT_FOUND,
  'MEDIA_NOT_FOUND',
  'Message not found or no media available',
) {}

/** 416 for a `Range` outside the file or malformed (with `Content-Range: bytes *\/<size>`). */
export class RangeNotSatisfiableError extends DomainError {
  static readonly status = HttpStatus.REQUESTED_RANGE_NOT_SATISFIABLE;
  static readonly code = 'RANGE_NOT_SATISFIABLE';
  static readonly literal = 'Requested range not satisfiable';
  constructor(size: number) {
    super(
      RangeNotSatisfiableError.status,
      RangeNotSatisfiableError.code,
      RangeNotSatisfiableError.literal,
      undefined,
      { 'Content-Range': `bytes */${size}` },
    );
  }
}
