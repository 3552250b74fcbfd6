import { HttpStatus } from '@nestjs/common';

/** One entry of `error.details` on a validation failure (D2). */
export interface ErrorDetail {
  field: string;
  message: string;
}

/**
 * Base of every error Wharf answers on purpose. It carries the HTTP status, the stable
 * `error.code` (D2) and the literal `error.message` of docs/API.md. The global filter writes the
 * envelope; services never build HTTP responses (docs/CONVENTIONS.md §4).
 */
export class DomainError extends Error {
  constructor(
    readonly status: HttpStatus,
    readonly code: string,
    message: string,
    readonly details?: ErrorDetail[],
    /** Extra response headers (e.g. `Retry-After`). */
    readonly headers?: Record<string, string>,
  ) {
    super(message);
    this.name = new.target.name;
  }
}

/** A DomainError subclass with a fixed status, code and message (for OpenAPI too). */
export interface FixedErrorClass {
  new (): DomainError;
  readonly status: HttpStatus;
  readonly code: string;
  readonly literal: string;
}

/**
 * Declares a DomainError subclass with a fixed status, stable code and docs/API.md literal:
 * `export class XError extends fixedError(HttpStatus.NOT_FOUND, 'X_NOT_FOUND', 'X not found') {}`.
 */
export function fixedError(status: HttpStatus, code: string, literal: string): FixedErrorClass {
  return class extends DomainError {
    static readonly status = status;
    static readonly code = code;
    static readonly literal = literal;
    constructor() {
      super(status, code, literal);
    }
  };
}

// §1.2 authentication (401) and ownership (403)
export class MissingTokenError extends fixedError(
  HttpStatus.UNAUTHORIZED,
  'MISSING_TOKEN',
  'Missing token in header',
) {}
export class InvalidTokenError extends fixedError(
  HttpStatus.UNAUTHORIZED,
  'INVALID_TOKEN',
  'Invalid token',
) {}
export class UnauthenticatedError extends fixedError(
  HttpStatus.UNAUTHORIZED,
  'UNAUTHENTICATED',
  'Unauthenticated',
) {}
export class InstanceTokenMismatchError extends fixedError(
  HttpStatus.FORBIDDEN,
  'INSTANCE_TOKEN_MISMATCH',
  'Instance token does not match requested instance',
) {}
export class InstanceNotOwnedError extends fixedError(
  HttpStatus.FORBIDDEN,
  'INSTANCE_NOT_OWNED',
  'Instance does not belong to your account',
) {}
export class AccountDisabledError extends fixedError(
  HttpStatus.FORBIDDEN,
  'ACCOUNT_DISABLED',
  'Account is disabled',
) {}
export class QuotaExceededError extends fixedError(
  HttpStatus.FORBIDDEN,
  'INSTANCE_QUOTA_EXCEEDED',
  'Account instance quota exceeded',
) {}

// §1.4 / §1.5 / D24
export class RouteNotFoundError extends fixedError(
  HttpStatus.NOT_FOUND,
  'ROUTE_NOT_FOUND',
  'Route not found',
) {}
export class InstanceNotFoundError extends fixedError(
  HttpStatus.NOT_FOUND,
  'INSTANCE_NOT_FOUND',
  'Instance not found',
) {}
export class AccountNotFoundError extends fixedError(
  HttpStatus.NOT_FOUND,
  'ACCOUNT_NOT_FOUND',
  'Account not found',
) {}
export class InstanceConflictError extends fixedError(
  HttpStatus.CONFLICT,
  'INSTANCE_CONFLICT',
  'Instance or token already exists',
) {}
export class InvalidBodyError extends fixedError(
  HttpStatus.BAD_REQUEST,
  'INVALID_BODY',
  'Invalid request body',
) {}
export class BodyTooLargeError extends fixedError(
  HttpStatus.PAYLOAD_TOO_LARGE,
  'BODY_TOO_LARGE',
  'Request body too large',
) {}
export class UnsupportedMediaTypeError extends fixedError(
  HttpStatus.UNSUPPORTED_MEDIA_TYPE,
  'UNSUPPORTED_MEDIA_TYPE',
  'Content-Type must be application/json',
) {}
export class InternalError extends fixedError(
  HttpStatus.INTERNAL_SERVER_ERROR,
  'INTERNAL_ERROR',
  'Internal server error',
) {}

/** 429 of §1.5 / D5; `retryAfterSeconds` becomes the `Retry-After` header. */
export class RateLimitedError extends DomainError {
  static readonly status = HttpStatus.TOO_MANY_REQUESTS;
  static readonly code = 'RATE_LIMITED';
  static readonly literal = 'Rate limit exceeded. Try again later.';
  /**
   * @param retryAfterSeconds sent as `Retry-After` (at least 1)
   * @param limitHeaders `X-RateLimit-*` of the limit that refused the request, when it is not
   *   the per-token limit whose headers the rate-limit guard already set (D5)
   */
  constructor(
    retryAfterSeconds: number,
    code = RateLimitedError.code,
    limitHeaders: Record<string, string> = {},
  ) {
    super(HttpStatus.TOO_MANY_REQUESTS, code, RateLimitedError.literal, undefined, {
      ...limitHeaders,
      'Retry-After': String(Math.max(1, Math.ceil(retryAfterSeconds))),
    });
  }
}

/**
 * 400 validation failure (D2): `message` is the docs/API.md literal when one exists, otherwise
 * `Invalid request body: <detail>`; `details` lists every failing field.
 */
export class ValidationFailedError extends DomainError {
  static readonly status = HttpStatus.BAD_REQUEST;
  static readonly code = 'VALIDATION_FAILED';
  static readonly literal = 'Invalid request body: <detail>';
  constructor(message: string, details: ErrorDetail[] = []) {
    super(HttpStatus.BAD_REQUEST, ValidationFailedError.code, message, details);
  }
}

/**
 * 500 with an endpoint-specific literal of docs/API.md (e.g. `Failed to create instance`). The cause
 * is logged by the filter with the request id, never sent to the client.
 */
export class OperationFailedError extends DomainError {
  static readonly status = HttpStatus.INTERNAL_SERVER_ERROR;
  static readonly code = 'OPERATION_FAILED';
  static readonly literal = 'Failed to <operation>';
  constructor(
    message: string,
    override readonly cause?: unknown,
  ) {
    super(HttpStatus.INTERNAL_SERVER_ERROR, OperationFailedError.code, message);
  }
}

/** The shape every documented error class exposes (used by `@ApiErrors`). */
export interface DocumentedError {
  readonly status: HttpStatus;
  readonly code: string;
  readonly literal: string;
  readonly name: string;
}
