import { HttpStatus } from '@nestjs/common';
import { DomainError } from '@wharf/common/errors';

import { MAX_ENABLED_WEBHOOKS } from './webhook.constants';

/** 404: `?label=` (or rotateSecret) names no webhook of the instance (docs/API.md §3.9). */
export class WebhookNotFoundError extends DomainError {
  static readonly status = HttpStatus.NOT_FOUND;
  static readonly code = 'WEBHOOK_NOT_FOUND';
  static readonly literal = 'Webhook not found';
  constructor() {
    super(HttpStatus.NOT_FOUND, WebhookNotFoundError.code, WebhookNotFoundError.literal);
  }
}

/** 409: enabling this webhook would leave more than three enabled (docs/API.md §2.3). */
export class WebhookLimitError extends DomainError {
  static readonly status = HttpStatus.CONFLICT;
  static readonly code = 'WEBHOOK_LIMIT_REACHED';
  static readonly literal = `Maximum of ${MAX_ENABLED_WEBHOOKS} enabled webhooks per instance reached`;
  constructor() {
    super(HttpStatus.CONFLICT, WebhookLimitError.code, WebhookLimitError.literal);
  }
}

/** 409: another enabled webhook of the instance already posts to the same URL (docs/API.md §3.9 "Duplicate webhook"). */
export class WebhookDuplicateError extends DomainError {
  static readonly status = HttpStatus.CONFLICT;
  static readonly code = 'WEBHOOK_DUPLICATE';
  static readonly literal = 'A webhook with this URL already exists for this instance';
  constructor() {
    super(HttpStatus.CONFLICT, WebhookDuplicateError.code, WebhookDuplicateError.literal);
  }
}
