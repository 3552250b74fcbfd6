import {
  applyDecorators,
  createParamDecorator,
  type ExecutionContext,
  HttpStatus,
} from '@nestjs/common';
import { ApiHeader } from '@nestjs/swagger';
import { InstanceController } from '@wharf/common/auth/instance-controller.decorator';
import { InvalidBodyError, ValidationFailedError } from '@wharf/common/errors';
import { SPEC_LITERALS } from '@wharf/common/validation/spec-literals';
import { InstanceNotConnectedError } from '@wharf/modules/session/session-errors';
import type { FastifyReply, FastifyRequest } from 'fastify';

import type { SendCommonDto } from './dto/send-more.dto';
import type { SendMessageResponseDto } from './dto/send-text.dto';
import type { Message } from './entities/message.entity';
import {
  IdempotencyConflictError,
  InvalidNumberError,
  NumberNotOnWhatsAppError,
  SendFailedError,
} from './messaging.errors';
import type { SendOptions, SendOutcome, SendRecipient } from './send.service';

/**
 * The HTTP side of the send routes of docs/API.md §3.2 (D14): the request headers every send takes,
 * and the answer an outcome of {@link SendService} becomes — 200 `sent`, 202 `queued`, or the
 * 500 `Failed to send message: <reason>` of a failed send. Nothing here sends.
 */

/** The errors every send endpoint documents in OpenAPI (docs/API.md §3.2 "Common errors", D14). */
export const SEND_ERRORS = [
  InvalidBodyError,
  { ...ValidationFailedError, literal: SPEC_LITERALS.numberRequired, name: 'NumberRequired' },
  ValidationFailedError,
  InvalidNumberError,
  InstanceNotConnectedError,
  NumberNotOnWhatsAppError,
  IdempotencyConflictError,
  SendFailedError,
];

/**
 * Class decorator of every send controller: the instance-scoped route template (routes under
 * `/api/message`, OpenAPI tag `Messages`, account and instance tokens, `:instance` loaded and
 * ownership-checked, D4) and the two D14 request headers (`Prefer: respond-async`,
 * `Idempotency-Key`).
 */
export function SendRoutes(): ClassDecorator {
  return applyDecorators(
    InstanceController('api/message', { tag: 'Messages' }),
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

/** The D14 headers of a send request, and the reply whose status the answer sets. */
export interface SendHttp {
  /** `Prefer: respond-async`: answer 202 `queued` at once. */
  async: boolean;
  /** `Idempotency-Key`, trimmed; absent when empty. */
  idempotencyKey?: string;
  reply: FastifyReply;
}

type HeaderValue = string | string[] | undefined;

/** Reads the D14 headers (`Prefer`, `Idempotency-Key`; repeated headers are joined with `, `). */
export function sendHttpOf(headers: Record<string, HeaderValue>, reply: FastifyReply): SendHttp {
  const read = (name: string): string | undefined => {
    const value = headers[name];
    return Array.isArray(value) ? value.join(', ') : value;
  };
  const idempotencyKey = read('idempotency-key')?.trim();
  return {
    async: /\brespond-async\b/i.test(read('prefer') ?? ''),
    ...(idempotencyKey ? { idempotencyKey } : {}),
    reply,
  };
}

/**
 * Parameter decorator of every send handler: the `Prefer` / `Idempotency-Key` headers and the
 * reply, as one {@link SendHttp} (issue 12 §6).
 */
export const SendHeaders = createParamDecorator((_: unknown, ctx: ExecutionContext): SendHttp =>
  sendHttpOf(
    ctx.switchToHttp().getRequest<FastifyRequest>().headers,
    ctx.switchToHttp().getResponse<FastifyReply>(),
  ),
);

/**
 * The {@link SendOptions} every send body and its headers carry (§1.8, D14): `source`, `delay`,
 * `replyTo`, `Prefer`, `Idempotency-Key`. Routes add their own (mentions, link preview …).
 */
export function sendOptionsOf(
  body: Partial<Pick<SendCommonDto, 'source' | 'delay' | 'replyTo'>>,
  http: SendHttp,
): SendOptions {
  return {
    source: body.source,
    delaySeconds: body.delay,
    replyTo: body.replyTo,
    async: http.async,
    idempotencyKey: http.idempotencyKey,
  };
}

/** The recipient of a body with `number` (D13) and `replyPrivate` (§1.8). */
export function recipientOf(body: Pick<SendCommonDto, 'number' | 'replyPrivate'>): SendRecipient {
  return { number: body.number, replyPrivate: body.replyPrivate === true };
}

/** Extra `data` fields of one send type's answer (e.g. `vcard`, media metadata), from the row. */
export type ExtraData = (row: Message) => Record<string, unknown>;

/**
 * The HTTP answer of a send outcome (D14): `sent` → 200 with `message` = `sent` (e.g. `Text
 * message sent successfully`); `queued` → 202 `Message queued`; the body repeats the message id
 * at the top level and in `data`.
 * @throws SendFailedError (500 `Failed to send message: <reason>`) for a `failed` outcome
 */
export function sendAnswer(
  outcome: SendOutcome,
  sent: string,
  extraData?: ExtraData,
): { status: HttpStatus.OK | HttpStatus.ACCEPTED; body: SendMessageResponseDto } {
  if (outcome.status === 'failed') throw new SendFailedError(outcome.error ?? 'unknown error');
  const { row } = outcome;
  const queued = outcome.status === 'queued';
  return {
    status: queued ? HttpStatus.ACCEPTED : HttpStatus.OK,
    body: {
      success: true,
      message: queued ? 'Message queued' : sent,
      status: queued ? 'queued' : 'sent',
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
        ...(extraData?.(row) ?? {}),
      },
    },
  };
}

/** {@link sendAnswer}, with its status set on the reply; returns the body. */
export function respond(
  http: SendHttp,
  outcome: SendOutcome,
  sent: string,
  extraData?: ExtraData,
): SendMessageResponseDto {
  const answer = sendAnswer(outcome, sent, extraData);
  if (answer.status === HttpStatus.ACCEPTED) void http.reply.status(answer.status);
  return answer.body;
}
