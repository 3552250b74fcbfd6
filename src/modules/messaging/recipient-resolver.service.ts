import { EntityManager } from '@mikro-orm/core';
import { Inject, Injectable } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { ValidationFailedError } from '@wharf/common/errors';
import { REDIS } from '@wharf/common/redis/redis.module';
import type { AllConfig } from '@wharf/config';
import type { Instance } from '@wharf/modules/instance/entities/instance.entity';
import { SessionProvider } from '@wharf/modules/session/session.provider';
import {
  brazilianVariant,
  isGroupJid,
  isPhoneJid,
  phoneNumberOf,
  toUserJid,
} from '@wharf/whatsapp';
import type Redis from 'ioredis';

import { Message } from './entities/message.entity';
import { NumberNotOnWhatsAppError } from './messaging.errors';

/** How long an answer of WhatsApp about a number is reused, seconds (D13 "cache the answer"). */
export const LOOKUP_TTL_SECONDS = { exists: 24 * 3600, missing: 10 * 60 } as const;

/**
 * Turns the JID a send names into the JID to send to (D13, §1.8):
 * - a phone JID is checked with WhatsApp (usync contact query through the live session); for a
 *   Brazilian number the variant with or without the 9th digit that exists is used (the number
 *   as written wins when both exist); a number without an account is 400
 *   `Number is not on WhatsApp`. Answers are cached in Redis per instance
 *   ({@link LOOKUP_TTL_SECONDS}). When another process runs the session the question is relayed
 *   to it; when no connected session answers, the JID is used as written (the send itself then
 *   reports the outcome).
 * - `replyPrivate` with a group: the quoted message's author's private chat.
 */
@Injectable()
export class RecipientResolver {
  private readonly prefix: string;

  constructor(
    private readonly sessions: SessionProvider,
    private readonly em: EntityManager,
    @Inject(REDIS) private readonly redis: Redis,
    config: ConfigService<AllConfig, true>,
  ) {
    this.prefix = `${config.get('redis.keyPrefix', { infer: true })}recipient:`;
  }

  /**
   * The JID to send to for `jid` (already normalized).
   * @throws NumberNotOnWhatsAppError (400)
   */
  async resolve(instance: Instance, jid: string): Promise<string> {
    if (!isPhoneJid(jid)) return jid;
    const number = phoneNumberOf(jid);
    if (!number) return jid;
    const key = `${this.prefix}${instance.id}:${number}`;
    const cached = await this.redis.get(key).catch(() => null);
    if (cached === '') throw new NumberNotOnWhatsAppError();
    if (cached) return cached;
    const variant = brazilianVariant(number);
    const answers = await this.sessions.lookupNumbers(
      instance.id,
      variant ? [number, variant] : [number],
    );
    if (!answers) return jid;
    const hit = answers.find((answer) => answer.exists && answer.jid);
    const found = hit?.jid ? toUserJid(hit.jid) : null;
    await this.redis
      .set(key, found ?? '', 'EX', found ? LOOKUP_TTL_SECONDS.exists : LOOKUP_TTL_SECONDS.missing)
      .catch(() => undefined);
    if (!found) throw new NumberNotOnWhatsAppError();
    return found;
  }

  /**
   * `replyPrivate` (§1.8): for a group `chatJid`, the private chat of the author of the quoted
   * message `replyTo` (which must be a stored message of that group); other chats are kept.
   * @throws ValidationFailedError (400) without `replyTo`, or when it is not a stored message of
   *   the group
   */
  async privateReplyTarget(
    instance: Instance,
    chatJid: string,
    replyTo: string | undefined,
  ): Promise<string> {
    if (!isGroupJid(chatJid)) return chatJid;
    if (!replyTo) {
      throw new ValidationFailedError('Invalid request body: replyPrivate requires replyTo', [
        { field: 'replyTo', message: 'replyPrivate requires replyTo' },
      ]);
    }
    const quoted = await this.em
      .fork()
      .findOne(Message, { instance: instance.id, messageId: replyTo, chatJid });
    if (!quoted?.senderJid) {
      throw new ValidationFailedError(
        'Invalid request body: replyTo is not a stored message of this group',
        [{ field: 'replyTo', message: 'replyTo is not a stored message of this group' }],
      );
    }
    return toUserJid(quoted.senderJid);
  }
}
