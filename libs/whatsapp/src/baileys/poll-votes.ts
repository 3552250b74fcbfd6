import { createHash } from 'node:crypto';

import type { proto, WAMessage, WAMessageKey } from 'baileys';

import { type BaileysModule, loadBaileys } from './loader';

/**
 * An engine message from its stored JSON (`raw`). Bytes are stored as BufferJSON objects or,
 * for messages that were proto instances, as base64 strings (proto `toJSON`); the content goes
 * through `proto.Message.fromObject`, which turns both back into bytes. The key is kept as
 * stored (its LID/phone alternatives are not proto fields).
 */
export function reviveMessage(b: BaileysModule, raw: Record<string, unknown>): WAMessage {
  const revived = JSON.parse(JSON.stringify(raw), b.BufferJSON.reviver) as WAMessage & {
    message?: Record<string, unknown> | null;
  };
  return {
    ...revived,
    message: revived.message ? b.proto.Message.fromObject(revived.message) : revived.message,
  };
}

/** What {@link decryptPollVote} needs: the poll and the vote as stored (`raw`), and who we are. */
export interface PollVoteInput {
  /** The poll's engine message (`raw` of the poll row): carries the options and `messageSecret`. */
  poll: Record<string, unknown>;
  /** The vote's engine message (`raw` of the `poll_update` row). */
  vote: Record<string, unknown>;
  /** The session's own JIDs (phone and LID forms), for polls or votes of this account. */
  ownJids: string[];
}

/** A decrypted vote: the chosen option names and their SHA-256 hashes (upper-case hex). */
export interface PollVote {
  selectedOptions: string[];
  selectedHashes: string[];
}

/**
 * Decrypts a poll vote (D7 `pollUpdate.selectedOptions`, docs/API.md `GET /api/chat/poll`) with
 * Baileys' `decryptPollVote`. The key depends on the creator's and the voter's JIDs; WhatsApp
 * clients use either the phone-number or the LID form (the sandbox uses phone-number user JIDs,
 * Baileys' `getKeyAuthor` prefers the LID form), so every known form of both is tried until the
 * AES-GCM tag verifies. Hashes of options the poll does not list are returned with the name
 * `Unknown`, like Baileys' `getAggregateVotesInPollMessage`.
 * @returns the vote, or `null` when the poll has no secret or no JID combination decrypts it
 */
export async function decryptPollVote(input: PollVoteInput): Promise<PollVote | null> {
  const b = await loadBaileys();
  const revive = (value: Record<string, unknown>) => reviveMessage(b, value);
  const poll = revive(input.poll);
  const vote = revive(input.vote);
  const secret = poll.message?.messageContextInfo?.messageSecret;
  const update = b.normalizeMessageContent(vote.message)?.pollUpdateMessage;
  const content = b.normalizeMessageContent(poll.message);
  const creation =
    content?.pollCreationMessage ?? content?.pollCreationMessageV2 ?? content?.pollCreationMessageV3;
  if (!secret?.length || !update?.vote?.encPayload || !update.vote.encIv || !creation) return null;
  const pollId = update.pollCreationMessageKey?.id ?? poll.key.id ?? '';
  const own = input.ownJids.map((jid) => b.jidNormalizedUser(jid)).filter(Boolean);
  for (const creator of authorForms(b, poll.key, own)) {
    for (const voter of authorForms(b, vote.key, own)) {
      let decoded: proto.Message.PollVoteMessage;
      try {
        decoded = b.decryptPollVote(update.vote, {
          pollCreatorJid: creator,
          pollMsgId: pollId,
          pollEncKey: secret,
          voterJid: voter,
        });
      } catch {
        continue;
      }
      const byHash = new Map(
        (creation.options ?? []).map((option) => [
          createHash('sha256')
            .update(option.optionName ?? '')
            .digest('hex')
            .toUpperCase(),
          option.optionName ?? '',
        ]),
      );
      const selectedHashes = (decoded.selectedOptions ?? []).map((hash) =>
        Buffer.from(hash).toString('hex').toUpperCase(),
      );
      return {
        selectedHashes,
        selectedOptions: selectedHashes.map((hash) => byHash.get(hash) ?? 'Unknown'),
      };
    }
  }
  return null;
}

/** Every user-JID form of a message's author: own JIDs for `fromMe`, else participant/chat forms. */
function authorForms(
  b: BaileysModule,
  key: WAMessageKey,
  own: string[],
): string[] {
  const forms = key.fromMe
    ? own
    : [key.participant, key.participantAlt, key.remoteJid, key.remoteJidAlt]
        .filter((jid): jid is string => Boolean(jid) && !jid!.endsWith('@g.us'))
        .map((jid) => b.jidNormalizedUser(jid));
  return [...new Set(forms.filter(Boolean))];
}
