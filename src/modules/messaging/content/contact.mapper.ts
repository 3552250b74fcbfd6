import { ValidationFailedError } from '@wharf/common/errors';
import { isGroupJid, type OutgoingContent } from '@wharf/whatsapp';

import type { SendContactDto, SendReactionDto } from '../dto/send-structured.dto';
import { MissingParticipantError } from '../messaging.errors';
import { buildVcard } from '../vcard';
import { recipientJidOf } from './recipient.mapper';

/**
 * Content of `POST /api/message/contact` (docs/API.md §3.2): one card is a `contact` message, several
 * one `contacts` message; each card is a vCard 3.0 ({@link buildVcard}).
 * @throws ValidationFailedError `Invalid request body: vcard[<i>] needs fullName or phone`
 */
export function contactContent(body: Pick<SendContactDto, 'vcard'>): OutgoingContent {
  const contacts = body.vcard.map((card, index) => {
    const built = buildVcard(card);
    if (!built) {
      throw new ValidationFailedError(
        `Invalid request body: vcard[${index}] needs fullName or phone`,
        [{ field: `vcard[${index}]`, message: 'needs fullName or phone' }],
      );
    }
    return built;
  });
  return { kind: contacts.length > 1 ? 'contacts' : 'contact', contacts };
}

/** The reacted message's chat and author, checked before the chat's account is looked up. */
export interface ReactionTargetInput {
  /** The chat as written (canonical JID, before the D13 lookup). */
  chatJid: string;
  /** The reacted message's author (groups), canonical. */
  participant?: string;
}

/**
 * Checks the addressing of `POST /api/message/reaction` (docs/API.md §3.2): in a group, reacting to
 * someone else's message (`fromMe` not true) needs its author in `participant`.
 * @throws InvalidNumberError for a bad `number` or `participant`; MissingParticipantError
 */
export function reactionTargetOf(
  body: Pick<SendReactionDto, 'number' | 'fromMe' | 'participant'>,
): ReactionTargetInput {
  const chatJid = recipientJidOf(body.number);
  const participant = body.participant?.trim();
  if (isGroupJid(chatJid) && body.fromMe !== true && !participant)
    throw new MissingParticipantError();
  return { chatJid, ...(participant ? { participant: recipientJidOf(participant) } : {}) };
}

/** Whether a `reaction` removes this instance's reaction (`"remove"`, any case) rather than sets one. */
export const isReactionRemoval = (reaction: string): boolean =>
  reaction.trim().toLowerCase() === 'remove';

/**
 * Content of a reaction to `body.messageId` in `chatJid` (the resolved chat): the emoji, or `""`
 * to remove; the author only in groups.
 */
export function reactionContent(
  body: Pick<SendReactionDto, 'messageId' | 'reaction' | 'fromMe'>,
  chatJid: string,
  participant: string | undefined,
): OutgoingContent {
  return {
    kind: 'reaction',
    target: {
      chatJid,
      messageId: body.messageId,
      fromMe: body.fromMe === true,
      ...(isGroupJid(chatJid) && participant ? { participant } : {}),
    },
    emoji: isReactionRemoval(body.reaction) ? '' : body.reaction,
  };
}
