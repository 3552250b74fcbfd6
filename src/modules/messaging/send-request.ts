import { randomBytes } from 'node:crypto';

import type { OutgoingContent } from '@wharf/whatsapp';

/**
 * A send as the message row stores it in `request` (D14): what the outbound processor needs to
 * send it after a restart or on another process. Its JSON is hashed for `Idempotency-Key`, so
 * keys are written in a fixed order and absent options are left out.
 */
export interface SendRequest {
  /** The resolved recipient (D13 account lookup and §1.8 `replyPrivate` done). */
  chatJid: string;
  content: OutgoingContent;
  /** Origin tag carried into events (`api` for the HTTP routes). */
  source: string;
  /** Seconds of "typing…" (or "recording…" before a voice note) before sending. */
  delaySeconds?: number;
  /** WhatsApp id of a stored message of the instance to quote. */
  replyTo?: string;
  /** JIDs to mention. */
  mentions?: string[];
  /** Mention every participant of the group (§1.8), resolved by the owner at send time. */
  mentionAll?: boolean;
  /** Attach a preview of the first URL of a text (built at send time, D12). */
  linkPreview?: boolean;
}

/** A message id in WhatsApp Web's format: `3EB0` and 18 upper-case hex digits. */
export function newMessageId(): string {
  return `3EB0${randomBytes(9).toString('hex').toUpperCase()}`;
}
