import { applyDecorators, Controller, HttpStatus, Injectable } from '@nestjs/common';
import { ApiHeader, ApiTags } from '@nestjs/swagger';
import { InvalidJidError, normalizeRecipient, type OutgoingContent } from '@wharf/whatsapp';
import type { FastifyReply } from 'fastify';

import {
  DomainError,
  fixedError,
  InvalidBodyError,
  ValidationFailedError,
} from '../../common/errors';
import { SPEC_LITERALS } from '../../common/validation/spec-literals';
import type { Instance } from '../instance/entities/instance.entity';
import { InstanceNotConnectedError } from '../session/session-errors';
import type { SendCommonDto } from './dto/send-more.dto';
import type { SendMessageResponseDto } from './dto/send-text.dto';
import type { Message } from './entities/message.entity';
import { NumberNotOnWhatsAppError, RecipientResolver } from './recipient-resolver.service';
import { IdempotencyConflictError, SendPipelineService } from './send-pipeline.service';

/** 400 for a `number` that is neither digits (D13 punctuation allowed) nor a JID (API.md §3.2). */
export class InvalidNumberError extends fixedError(
  HttpStatus.BAD_REQUEST,
  'INVALID_NUMBER',
  'Invalid phone number or JID',
) {}

/** 501 for an accepted field whose behaviour Wharf does not have yet (never silently ignored). */
export class NotImplementedYetError extends DomainError {
  static readonly status = HttpStatus.NOT_IMPLEMENTED;
  static readonly code = 'NOT_IMPLEMENTED';
  static readonly literal = '<field> is not implemented yet';
  constructor(field: string) {
    super(HttpStatus.NOT_IMPLEMENTED, 'NOT_IMPLEMENTED', `${field} is not implemented yet`);
  }
}

/** The errors every send endpoint documents in OpenAPI (API.md §3.2 "Common errors", D14). */
export const SEND_ERRORS = [
  InvalidBodyError,
  { ...ValidationFailedError, literal: SPEC_LITERALS.numberRequired, name: 'NumberRequired' },
  ValidationFailedError,
  InvalidNumberError,
  InstanceNotConnectedError,
  NumberNotOnWhatsAppError,
  IdempotencyConflictError,
  {
    status: HttpStatus.INTERNAL_SERVER_ERROR,
    code: 'SEND_FAILED',
    literal: 'Failed to send message: <reason>',
    name: 'SendFailed',
  },
];

/**
 * Class decorator of every send controller: routes under `/api/message`, OpenAPI tag `Messages`
 * and the two D14 request headers (`Prefer: respond-async`, `Idempotency-Key`).
 */
export function SendRoutes(): ClassDecorator {
  return applyDecorators(
    ApiTags('Messages'),
    Controller('api/message'),
    ApiHeader({
      name: 'Prefer',
      required: false,
      description: '`respond-async`: answer 202 at once with `status: "queued"` (D14)',
    }),
    ApiHeader({
      name: 'Idempotency-Key',
      required: false,
      description: 'Same key and body within 24 h returns the first response (D14)',
    }),
  );
}

/** An OpenAPI example of the D14 success body. */
export const exampleOf = (
  messageType: string,
  content: string,
  message: string,
  chat = '5511999999999@s.whatsapp.net',
  extra: Record<string, unknown> = {},
) => ({
  success: true,
  message,
  status: 'sent',
  messageId: '3EB08FCF27E532F1B0F5',
  data: {
    messageId: '3EB08FCF27E532F1B0F5',
    timestamp: '2026-04-28T10:30:00.000Z',
    direction: 'outgoing',
    chat: { jid: chat },
    messageType,
    content,
    ...extra,
  },
});

/** The HTTP side of one send: headers, the success text, and what the body adds to `data`. */
export interface DispatchOptions {
  /** `Prefer` header; `respond-async` answers 202 `queued` (D14). */
  prefer?: string;
  /** `Idempotency-Key` header (D14). */
  idempotencyKey?: string;
  reply: FastifyReply;
  /** JIDs to mention. */
  mentions?: string[];
  /** `message` of the 200 answer, e.g. `Text message sent successfully`. */
  sent: string;
  /** Recipient JID when the route has no `number` (status: `status@broadcast`). */
  chatJid?: string;
  /** Extra `data` fields of this type's answer (e.g. `vcard`, media metadata), from the sent row. */
  extraData?: (row: Message) => Record<string, unknown>;
  /** Mention every group participant (§1.8 `mentionAll`; resolved by the session owner). */
  mentionAll?: boolean;
  /** `false` for types where `replyPrivate` is accepted but has no effect (contact). */
  replyPrivate?: boolean;
  /** Attach a preview of the first URL of the text (text sends). */
  linkPreview?: boolean;
}

/**
 * Shared tail of every send route of API.md §3.2: resolves `number` to a JID (400 `Invalid phone
 * number or JID`), then to the account WhatsApp has for it ({@link RecipientResolver}: D13 9th
 * digit, 400 `Number is not on WhatsApp`, `replyPrivate` of §1.8), hands the send to {@link SendPipelineService} and shapes the D14 answer —
 * 200 `sent`, or 202 `queued` with `Prefer: respond-async` or when the engine has not answered
 * within the synchronous wait.
 * @throws InvalidNumberError, InstanceNotConnectedError (503), IdempotencyConflictError (409),
 *   SendFailedError (500)
 */
@Injectable()
export class SendDispatcher {
  constructor(
    private readonly pipeline: SendPipelineService,
    private readonly resolver: RecipientResolver,
  ) {}

  async dispatch(
    instance: Instance,
    body: Pick<SendCommonDto, 'source' | 'delay' | 'replyTo'> & {
      number?: string;
      replyPrivate?: boolean;
    },
    content: OutgoingContent,
    options: DispatchOptions,
  ): Promise<SendMessageResponseDto> {
    let chatJid = options.chatJid ?? recipients(() => normalizeRecipient(body.number ?? ''));
    if (!options.chatJid) chatJid = await this.resolver.resolve(instance, chatJid);
    if (body.replyPrivate && options.replyPrivate !== false)
      chatJid = await this.resolver.privateReplyTarget(instance, chatJid, body.replyTo);
    const async = /\brespond-async\b/i.test(options.prefer ?? '');
    const { row } = await this.pipeline.send(
      instance,
      {
        chatJid,
        content,
        source: body.source ?? 'api',
        delaySeconds: body.delay,
        replyTo: body.replyTo,
        mentions: options.mentions,
        ...(options.mentionAll ? { mentionAll: true } : {}),
        ...(options.linkPreview ? { linkPreview: true } : {}),
      },
      { async, idempotencyKey: options.idempotencyKey?.trim() || undefined },
    );
    const queued = row.status === 'pending' || row.status === 'sending';
    if (queued) void options.reply.status(HttpStatus.ACCEPTED);
    return toSendResponse(
      row,
      queued ? 'Message queued' : options.sent,
      queued ? 'queued' : 'sent',
      options.extraData?.(row) ?? {},
    );
  }
}

/** Runs a recipient conversion, turning invalid numbers into the 400 of §3.2. */
export function recipients<T>(convert: () => T): T {
  try {
    return convert();
  } catch (error) {
    if (error instanceof InvalidJidError) throw new InvalidNumberError();
    throw error;
  }
}

function toSendResponse(
  row: Message,
  message: string,
  status: 'sent' | 'queued',
  extra: Record<string, unknown>,
): SendMessageResponseDto {
  return {
    success: true,
    message,
    status,
    messageId: row.messageId,
    data: {
      messageId: row.messageId,
      timestamp: row.timestamp.toISOString(),
      direction: 'outgoing',
      chat: { jid: row.chatJid },
      messageType: row.type,
      content: row.content,
      ...(row.mentions.length ? { mentions: row.mentions } : {}),
      ...(row.quotedId ? { replyTo: row.quotedId } : {}),
      ...extra,
    },
  };
}
