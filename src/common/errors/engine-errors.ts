import { HttpStatus } from '@nestjs/common';
import type { EngineErrorCode, WhatsAppEngineError } from '@wharf/whatsapp';

import { DocumentedError, DomainError } from './domain-error';

/** The HTTP answer of one engine error code. */
export interface EngineErrorAnswer {
  readonly status: HttpStatus;
  /** The literal `error.message` (docs/API.md / docs/DECISIONS.md); the engine's own message is never sent. */
  readonly literal: string;
  /**
   * Route-specific literals by engine operation (the error's `operation`), where docs/API.md gives
   * one for a route (D16: "that text wins").
   */
  readonly byOperation?: Readonly<Record<string, string>>;
}

/**
 * Every engine error code (libs/whatsapp/src/errors.ts) → its HTTP status and literal. Keyed by
 * `EngineErrorCode`, so an engine error code without an answer fails the type-check.
 * `error.code` of the answer is the engine code itself (D2: stable SCREAMING_SNAKE).
 *
 * Sources: docs/API.md §1.4 (statuses), D16 (501 and its route texts), docs/API.md §1.4/§3.x tables (503
 * `Instance is not connected to WhatsApp`, 429 `Rate limit exceeded. Try again later.`, 404
 * `Message not found or no media available` of `GET /api/chat/base64` and D15), D2 (a 5xx
 * without its own literal says `Internal server error`). Where docs/API.md has no literal the text
 * follows the style of the neighbouring ones (D2).
 */
export const ENGINE_ERROR_ANSWERS: Readonly<Record<EngineErrorCode, EngineErrorAnswer>> = {
  NOT_SUPPORTED_BY_ENGINE: {
    status: HttpStatus.NOT_IMPLEMENTED,
    literal: 'Not supported by the WhatsApp engine',
    byOperation: {
      // docs/API.md §3.6 DELETE /api/newsletter/leave/:instance
      'newsletters.unfollow': 'WhatsApp client does not support UnfollowNewsletter',
    },
  },
  INSTANCE_NOT_CONNECTED: {
    status: HttpStatus.SERVICE_UNAVAILABLE,
    literal: 'Instance is not connected to WhatsApp',
  },
  PAIRING_CODE_UNAVAILABLE: {
    status: HttpStatus.CONFLICT,
    literal: 'Instance is not waiting to be linked, call /connect again',
  },
  INVALID_JID: {
    status: HttpStatus.BAD_REQUEST,
    literal: 'Invalid phone number or JID',
  },
  MEDIA_UNAVAILABLE: {
    status: HttpStatus.NOT_FOUND,
    literal: 'Message not found or no media available',
  },
  WHATSAPP_REQUEST_FAILED: {
    status: HttpStatus.INTERNAL_SERVER_ERROR,
    literal: 'Internal server error',
  },
  WHATSAPP_NOT_AUTHORIZED: {
    status: HttpStatus.FORBIDDEN,
    literal: 'Not authorized by WhatsApp (must be admin)',
  },
  WHATSAPP_ITEM_NOT_FOUND: {
    status: HttpStatus.NOT_FOUND,
    literal: 'Not found on WhatsApp',
  },
  WHATSAPP_CONFLICT: {
    status: HttpStatus.CONFLICT,
    literal: 'Conflicts with the current state on WhatsApp',
  },
  WHATSAPP_RATE_LIMITED: {
    status: HttpStatus.TOO_MANY_REQUESTS,
    literal: 'Rate limit exceeded. Try again later.',
  },
  // No docs/API.md literal fits (the session is connected, so not the module's 503 text): a D2
  // literal in the style of the neighbours. 503 because retrying once the phone shared its
  // app-state key succeeds.
  APP_STATE_NOT_READY: {
    status: HttpStatus.SERVICE_UNAVAILABLE,
    literal: 'WhatsApp app state is not synced yet, try again in a few seconds',
  },
};

/**
 * The HTTP answer of an engine error: status and literal from {@link ENGINE_ERROR_ANSWERS} (the
 * route-specific literal of the error's `operation` when the table has one), code = the engine
 * code. An unknown code (an engine error built outside the port's types) is a 500.
 */
export function engineErrorToDomain(error: WhatsAppEngineError): DomainError {
  const answer = ENGINE_ERROR_ANSWERS[error.code] as EngineErrorAnswer | undefined;
  if (!answer) {
    return new DomainError(
      HttpStatus.INTERNAL_SERVER_ERROR,
      'INTERNAL_ERROR',
      'Internal server error',
    );
  }
  const literal = (error.operation && answer.byOperation?.[error.operation]) || answer.literal;
  return new DomainError(answer.status, error.code, literal);
}

/**
 * The OpenAPI description of an engine error code for `@ApiErrors` (D18), e.g.
 * `@ApiErrors(engineError('INSTANCE_NOT_CONNECTED'))`; `operation` picks its route literal.
 */
export function engineError(code: EngineErrorCode, operation?: string): DocumentedError {
  const answer: EngineErrorAnswer = ENGINE_ERROR_ANSWERS[code];
  return {
    status: answer.status,
    code,
    literal: (operation && answer.byOperation?.[operation]) || answer.literal,
    name: code,
  };
}
