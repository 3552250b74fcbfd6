import { HttpStatus } from '@nestjs/common';
import { fixedError } from '@wharf/common/errors';

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
