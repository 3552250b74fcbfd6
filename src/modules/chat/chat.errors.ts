import { HttpStatus } from '@nestjs/common';
import { DomainError, fixedError } from '@wharf/common/errors';

/* Errors of the chat routes (docs/API.md §3.3, `GET /api/instance/metrics`): status, code and literal (D2). */

export class MessageNotFoundError extends fixedError(
  HttpStatus.NOT_FOUND,
  'MESSAGE_NOT_FOUND',
  'Message not found',
) {}

export class MessageOfOtherInstanceError extends fixedError(
  HttpStatus.NOT_FOUND,
  'MESSAGE_OF_OTHER_INSTANCE',
  'Message does not belong to this instance',
) {}

export class MessageIdRequiredError extends fixedError(
  HttpStatus.BAD_REQUEST,
  'MESSAGE_ID_REQUIRED',
  'Message ID is required (use ?messageId=<message-id>)',
) {}

export class MessageIdQueryRequiredError extends fixedError(
  HttpStatus.BAD_REQUEST,
  'MESSAGE_ID_REQUIRED',
  'messageId query parameter is required',
) {}

export class NotAPollError extends fixedError(
  HttpStatus.BAD_REQUEST,
  'NOT_A_POLL',
  'Message is not a poll',
) {}

export class InvalidFromDateError extends fixedError(
  HttpStatus.BAD_REQUEST,
  'INVALID_DATE',
  "invalid 'from' date format. Use ISO 8601 format (e.g., '2026-02-16T18:32:39Z')",
) {}

export class InvalidToDateError extends fixedError(
  HttpStatus.BAD_REQUEST,
  'INVALID_DATE',
  "invalid 'to' date format. Use ISO 8601 format (e.g., '2026-02-16T18:32:39Z')",
) {}

/** 400 of docs/API.md §3.1 metrics: an empty list (only commas and spaces). */
export class InstanceNameRequiredError extends fixedError(
  HttpStatus.BAD_REQUEST,
  'INSTANCE_NAME_REQUIRED',
  'Instance name is required',
) {}

/* Message-action routes of docs/API.md §3.3 (presence, forward, edit, pinMessage, markRead, block). */

/** 404 of `forward` and `edit` (docs/API.md §3.3): the message is not in the instance's store. */
export class ActionMessageNotFoundError extends fixedError(
  HttpStatus.NOT_FOUND,
  'MESSAGE_NOT_FOUND',
  'Instance not found or message not found',
) {}

/**
 * 500 of `forward` (docs/API.md §3.3 gives the status and text): the stored message is of a type
 * WhatsApp does not forward (reactions, polls, buttons…). `<type>` is the stored D7 type.
 */
export class UnsupportedForwardTypeError extends DomainError {
  static readonly status = HttpStatus.INTERNAL_SERVER_ERROR;
  static readonly code = 'UNSUPPORTED_MESSAGE_TYPE';
  static readonly literal = 'unsupported message type for forwarding: <type>';
  constructor(type: string) {
    super(
      UnsupportedForwardTypeError.status,
      UnsupportedForwardTypeError.code,
      `unsupported message type for forwarding: ${type}`,
    );
  }
}

/**
 * 400 of `edit` (docs/API.md §3.3, literal as the reference has it): the message is not a text
 * this instance sent, or is older than WhatsApp's 15-minute edit window.
 */
export class MessageNotEditableError extends fixedError(
  HttpStatus.BAD_REQUEST,
  'MESSAGE_NOT_EDITABLE',
  'message contains too old to edit or can only edit',
) {}

/**
 * 404 of `pinMessage` (docs/API.md §3.3 leaves the status open; 404 as the module's other
 * "not found" errors, D2): `message with ID <id> not found`.
 */
export class PinMessageNotFoundError extends DomainError {
  static readonly status = HttpStatus.NOT_FOUND;
  static readonly code = 'MESSAGE_NOT_FOUND';
  static readonly literal = 'message with ID <id> not found';
  constructor(messageId: string) {
    super(
      PinMessageNotFoundError.status,
      PinMessageNotFoundError.code,
      `message with ID ${messageId} not found`,
    );
  }
}

/** 400 of `pinMessage`: a `duration` WhatsApp does not offer (24h, 7d, 30d; D2 detail). */
export class InvalidPinDurationError extends fixedError(
  HttpStatus.BAD_REQUEST,
  'VALIDATION_FAILED',
  "Invalid request body: duration must be '24h', '7d' or '30d'",
) {}

/** 400 of `markRead` (docs/API.md §3.3): a group chat without the message's author. */
export class SenderRequiredError extends fixedError(
  HttpStatus.BAD_REQUEST,
  'SENDER_REQUIRED',
  'sender is required for group messages',
) {}

/** 400 of `presence` (docs/API.md §3.3): `state` is not typing, recording, pause or paused. */
export class InvalidPresenceStateError extends fixedError(
  HttpStatus.BAD_REQUEST,
  'INVALID_STATE',
  "Invalid state. Use 'typing', 'recording', or 'pause'",
) {}

/* Chat-state routes (docs/API.md §3.3 tag, assignTag, pin, mute, favorite, delete). */

export class TagNotFoundError extends fixedError(
  HttpStatus.NOT_FOUND,
  'TAG_NOT_FOUND',
  'Tag not found',
) {}

export class TagIdQueryRequiredError extends fixedError(
  HttpStatus.BAD_REQUEST,
  'TAG_ID_REQUIRED',
  'tagId query parameter is required',
) {}

export class NumberQueryRequiredError extends fixedError(
  HttpStatus.BAD_REQUEST,
  'NUMBER_REQUIRED',
  'number query parameter is required',
) {}

/**
 * 409 of `POST /api/chat/pin`: a fourth pinned chat. docs/API.md leaves the code open; 409 as
 * for the other state conflicts (D2), literal in the style of the neighbours. Wharf counts the
 * pinned chats itself (WhatsApp enforces none a client sees, docs/round2-protocol §2.2).
 */
export class PinLimitReachedError extends fixedError(
  HttpStatus.CONFLICT,
  'PIN_LIMIT_REACHED',
  'You can only pin up to 3 chats',
) {}

export class FavoriteTargetRequiredError extends fixedError(
  HttpStatus.BAD_REQUEST,
  'VALIDATION_FAILED',
  'Either number or messageId is required',
) {}

/** 404 of `DELETE /api/chat/delete` (docs/API.md writes it in lower case). */
export class DeleteMessageNotFoundError extends fixedError(
  HttpStatus.NOT_FOUND,
  'MESSAGE_NOT_FOUND',
  'message not found',
) {}

/** 400 `Invalid duration: <text>` of `POST /api/chat/mute`; the text is cut to 40 characters. */
export class InvalidDurationError extends DomainError {
  static readonly status = HttpStatus.BAD_REQUEST;
  static readonly code = 'INVALID_DURATION';
  static readonly literal = 'Invalid duration: <duration>';
  constructor(duration: string) {
    super(
      InvalidDurationError.status,
      InvalidDurationError.code,
      `Invalid duration: ${duration.slice(0, 40)}`,
    );
  }
}
