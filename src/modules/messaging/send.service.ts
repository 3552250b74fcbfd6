import { createHash } from 'node:crypto';

import { EntityManager } from '@mikro-orm/core';
import { Injectable } from '@nestjs/common';
import { Instance } from '@wharf/modules/instance/entities/instance.entity';
import { InstanceNotConnectedError } from '@wharf/modules/session/session-errors';
import { SessionLeaseService } from '@wharf/modules/session/session-lease.service';
import type { OutgoingContent } from '@wharf/whatsapp';

import { recipientJidOf } from './content/recipient.mapper';
import { Message } from './entities/message.entity';
import { IdempotencyConflictError } from './messaging.errors';
import { OutboundQueue } from './outbound.queue';
import { messageTypeOf } from './outgoing-content';
import { RecipientResolver } from './recipient-resolver.service';
import { SendOutcomeWaiter } from './send-outcome.waiter';
import { newMessageId, type SendRequest } from './send-request';
import { renderContent } from './sent-message.mapper';

/**
 * Whom a send goes to:
 * - `number`: a phone number (D13 punctuation allowed) or a JID, resolved to the account
 *   WhatsApp has for it (D13 9th digit, `Number is not on WhatsApp`); with `replyPrivate` and a
 *   group, the private chat of the quoted message's author (§1.8, needs `replyTo`).
 * - `jid`: used as given (`status@broadcast`, or a chat already resolved).
 */
export type SendRecipient = { number: string; replyPrivate?: boolean } | { jid: string };

/** How to send (docs/API.md §1.8, D14); everything optional. */
export interface SendOptions {
  /** Origin tag stored with the message and carried into events; default `api`. */
  source?: string;
  /** Seconds of "typing…" (or "recording…") before sending. */
  delaySeconds?: number;
  /** WhatsApp id of a stored message of the instance to quote. */
  replyTo?: string;
  /** JIDs to mention. */
  mentions?: string[];
  /** Mention every participant of a group (§1.8), resolved by the session owner at send time. */
  mentionAll?: boolean;
  /** Attach a preview of the first URL of a text (fetched at send time under D12). */
  linkPreview?: boolean;
  /** Answer once the send is queued instead of waiting for the engine (D14 `respond-async`). */
  async?: boolean;
  /** D14: the same key and request within 24 h answer the first send's outcome and send nothing. */
  idempotencyKey?: string;
}

/**
 * The outcome of a send (D14):
 * - `sent`: the engine accepted it (a receipt may have moved the row further);
 * - `queued`: accepted and stored, not sent yet (asynchronous send, the synchronous wait of
 *   {@link SYNC_WAIT_MS} ran out, or the process is stopping); `message.status` tells the rest;
 * - `failed`: the engine refused it, or the instance did not come back in time; `error` says why.
 */
export interface SendOutcome {
  status: 'sent' | 'queued' | 'failed';
  /** Primary key of the message row. */
  rowId: string;
  /** The WhatsApp message id (pre-generated, D14). */
  messageId: string;
  /** The chat it went to (resolved). */
  chatJid: string;
  /** Why it failed (`failed` only); safe to show, no input echoed. */
  error?: string;
  /** True when this is the stored send of an earlier request with the same `Idempotency-Key`. */
  replayed: boolean;
  /** The stored message as last read, for response mappers (e.g. `toSendResponse`). */
  row: Message;
}

/**
 * Sending as a service (issue 12 §5): HTTP routes, and later MCP tools and Chatwoot agent
 * replies, send through {@link send} and get an outcome; only the HTTP adapter turns it into
 * 200/202/500. The accept side of the D14 send path: recipient resolution, `Idempotency-Key`,
 * the message row `pending` with a pre-generated WhatsApp id, the owner's outbound queue; then
 * (unless `async`) the outcome as {@link OutboundProcessor} records it.
 */
@Injectable()
export class SendService {
  constructor(
    private readonly em: EntityManager,
    private readonly queue: OutboundQueue,
    private readonly leases: SessionLeaseService,
    private readonly resolver: RecipientResolver,
    private readonly outcomes: SendOutcomeWaiter,
  ) {}

  /**
   * Sends `content` to `recipient` on `instance` and answers the outcome.
   * @throws InvalidNumberError, NumberNotOnWhatsAppError, ValidationFailedError (`replyPrivate`
   *   without a stored `replyTo`) (400); InstanceNotConnectedError (503);
   *   IdempotencyConflictError (409)
   */
  async send(
    instance: Instance,
    recipient: SendRecipient,
    content: OutgoingContent,
    options: SendOptions = {},
  ): Promise<SendOutcome> {
    const chatJid = await this.resolveRecipient(instance, recipient, options.replyTo);
    const request: SendRequest = {
      chatJid,
      content,
      source: options.source ?? 'api',
      delaySeconds: options.delaySeconds,
      replyTo: options.replyTo,
      mentions: options.mentions,
      ...(options.mentionAll ? { mentionAll: true } : {}),
      ...(options.linkPreview ? { linkPreview: true } : {}),
    };
    const { row, replayed } = await this.accept(instance, request, options.idempotencyKey);
    const latest = options.async ? row : await this.outcomes.waitFor(row.id);
    return outcomeOf(latest, replayed);
  }

  /**
   * The JID a send to `recipient` goes to (see {@link SendRecipient}); for routes that need the
   * chat before building the content (a reaction names its chat).
   * @throws InvalidNumberError, NumberNotOnWhatsAppError, ValidationFailedError (`replyPrivate`)
   */
  async resolveRecipient(
    instance: Instance,
    recipient: SendRecipient,
    replyTo?: string,
  ): Promise<string> {
    if ('jid' in recipient) return recipient.jid;
    const chatJid = await this.resolver.resolve(instance, recipientJidOf(recipient.number));
    return recipient.replyPrivate
      ? this.resolver.privateReplyTarget(instance, chatJid, replyTo)
      : chatJid;
  }

  /**
   * Stores and queues a send; with an `Idempotency-Key` seen before, the earlier row instead.
   * @throws IdempotencyConflictError, InstanceNotConnectedError
   */
  private async accept(
    instance: Instance,
    request: SendRequest,
    idempotencyKey: string | undefined,
  ): Promise<{ row: Message; replayed: boolean }> {
    const requestHash = createHash('sha256').update(JSON.stringify(request)).digest('hex');
    if (idempotencyKey) {
      const earlier = await this.em
        .fork()
        .findOne(Message, { instance: instance.id, idempotencyKey });
      if (earlier) {
        if (earlier.requestHash !== requestHash) throw new IdempotencyConflictError();
        return { row: earlier, replayed: true };
      }
    }
    const owner = await this.leases.holder(instance.id);
    if (!owner || instance.state !== 'connected') throw new InstanceNotConnectedError();

    const em = this.em.fork();
    const quoted = request.replyTo
      ? await em.findOne(Message, { instance: instance.id, messageId: request.replyTo })
      : null;
    const row = em.create(Message, {
      instance: em.getReference(Instance, instance.id),
      messageId: newMessageId(),
      direction: 'outgoing',
      chatJid: request.chatJid,
      senderJid: instance.numberJid ?? '',
      type: messageTypeOf(request.content),
      content: renderContent(request.content),
      source: request.source,
      status: 'pending',
      statusTimes: { pending: new Date().toISOString() },
      quotedId: quoted?.messageId ?? null,
      mentions: request.mentions ?? [],
      request: { ...request },
      idempotencyKey: idempotencyKey ?? null,
      requestHash,
    });
    // One INSERT, no BEGIN/COMMIT around it: the accept path's only write (bench `accept`).
    await em.insert(row);
    await this.queue.add(owner, { rowId: row.id, instanceId: instance.id }).catch(async (error) => {
      // Not queued (Redis went away since the lease read): unstore it, so the answer (503 when
      // Redis is unreachable, issue 11) is true and nothing accepted is lost.
      await this.em.fork().nativeDelete(Message, { id: row.id, status: 'pending' });
      throw error;
    });
    return { row, replayed: false };
  }
}

/** The outcome a stored row stands for: `failed`, `queued` while `pending`/`sending`, else `sent`. */
export function outcomeOf(row: Message, replayed: boolean): SendOutcome {
  const status =
    row.status === 'failed'
      ? 'failed'
      : row.status === 'pending' || row.status === 'sending'
        ? 'queued'
        : 'sent';
  return {
    status,
    rowId: row.id,
    messageId: row.messageId,
    chatJid: row.chatJid,
    ...(status === 'failed' ? { error: row.error ?? 'unknown error' } : {}),
    replayed,
    row,
  };
}
