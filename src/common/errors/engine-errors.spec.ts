import {
  AppStateNotReadyError,
  ENGINE_ERROR_CODES,
  type EngineErrorCode,
  InvalidJidError,
  MediaUnavailableError,
  NotSupportedByEngineError,
  PairingCodeUnavailableError,
  SessionNotConnectedError,
  WhatsAppConflictError,
  type WhatsAppEngineError,
  WhatsAppItemNotFoundError,
  WhatsAppNotAuthorizedError,
  WhatsAppRateLimitedError,
  WhatsAppRequestError,
} from '@wharf/whatsapp';

import { toDomainError } from './all-exceptions.filter';
import { engineError } from './engine-errors';

/**
 * One engine error of every code, each with an engine message holding input, and the answer the
 * spec gives it (docs/API.md §1.4, D2, D16). Keyed by the code union: a new code fails the type-check
 * here too until it has its expected answer.
 */
const CASES: Record<
  EngineErrorCode,
  { error: WhatsAppEngineError; status: number; literal: string }
> = {
  NOT_SUPPORTED_BY_ENGINE: {
    error: new NotSupportedByEngineError('chats.archive'),
    status: 501,
    literal: 'Not supported by the WhatsApp engine',
  },
  INSTANCE_NOT_CONNECTED: {
    error: new SessionNotConnectedError(),
    status: 503,
    literal: 'Instance is not connected to WhatsApp',
  },
  PAIRING_CODE_UNAVAILABLE: {
    error: new PairingCodeUnavailableError('The session is already linked to a phone'),
    status: 409,
    literal: 'Instance is not waiting to be linked, call /connect again',
  },
  INVALID_JID: {
    error: new InvalidJidError('Invalid phone number: 0secret'),
    status: 400,
    literal: 'Invalid phone number or JID',
  },
  MEDIA_UNAVAILABLE: {
    error: new MediaUnavailableError('Media download failed: 410 https://mmg.example/secret'),
    status: 404,
    literal: 'Message not found or no media available',
  },
  WHATSAPP_REQUEST_FAILED: {
    error: new WhatsAppRequestError(500, 'internal-server-error', 'groups.metadata'),
    status: 500,
    literal: 'Internal server error',
  },
  WHATSAPP_NOT_AUTHORIZED: {
    error: new WhatsAppNotAuthorizedError(403, 'not-authorized', 'groups.resetInviteLink'),
    status: 403,
    literal: 'Not authorized by WhatsApp (must be admin)',
  },
  WHATSAPP_ITEM_NOT_FOUND: {
    error: new WhatsAppItemNotFoundError(404, 'item-not-found', 'groups.metadata'),
    status: 404,
    literal: 'Not found on WhatsApp',
  },
  WHATSAPP_CONFLICT: {
    error: new WhatsAppConflictError(409, 'conflict', 'groups.updateDescription'),
    status: 409,
    literal: 'Conflicts with the current state on WhatsApp',
  },
  WHATSAPP_RATE_LIMITED: {
    error: new WhatsAppRateLimitedError(429, 'rate-overlimit', 'groups.create'),
    status: 429,
    literal: 'Rate limit exceeded. Try again later.',
  },
  APP_STATE_NOT_READY: {
    error: new AppStateNotReadyError('chats.archive'),
    status: 503,
    literal: 'WhatsApp app state is not synced yet, try again in a few seconds',
  },
};

describe('engine errors → HTTP (issue 12 §1)', () => {
  it.each(ENGINE_ERROR_CODES)('%s answers its status, code and literal', (code) => {
    const { error, status, literal } = CASES[code];
    expect(error.code).toBe(code);
    const answer = toDomainError(error);
    // The literal, never the engine's own message (it may hold input: a number, a CDN URL; D2).
    expect({ status: answer.status, code: answer.code, message: answer.message }).toEqual({
      status,
      code,
      message: literal,
    });
    expect(engineError(code)).toEqual({ status, code, literal, name: code });
  });

  it('answers the route-specific D16 text where docs/API.md gives one', () => {
    const answer = toDomainError(new NotSupportedByEngineError('newsletters.unfollow'));
    expect([answer.status, answer.code, answer.message]).toEqual([
      501,
      'NOT_SUPPORTED_BY_ENGINE',
      'WhatsApp client does not support UnfollowNewsletter',
    ]);
    expect(engineError('NOT_SUPPORTED_BY_ENGINE', 'newsletters.unfollow').literal).toBe(
      'WhatsApp client does not support UnfollowNewsletter',
    );
    // Without an operation, or for another one: the D16 default.
    for (const error of [new NotSupportedByEngineError(), new NotSupportedByEngineError('x.y')])
      expect(toDomainError(error).message).toBe('Not supported by the WhatsApp engine');
  });

  it('keeps errors that are not the engine’s as they were', () => {
    expect(toDomainError(new Error('boom'))).toMatchObject({
      status: 500,
      code: 'INTERNAL_ERROR',
      message: 'Internal server error',
    });
  });
});
