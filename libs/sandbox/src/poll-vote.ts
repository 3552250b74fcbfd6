import { createHash, randomBytes } from 'node:crypto';

import type { proto, WAMessage, WAMessageKey } from 'baileys';

import type { BaileysModule } from './baileys-loader';
import { SandboxError } from './errors';

/** The poll a vote refers to: its creation content, key and encryption secret. */
interface PollTarget {
  creation: proto.Message.IPollCreationMessage;
  key: WAMessageKey;
  secret: Uint8Array;
}

function pollOf(b: BaileysModule, poll: WAMessage): PollTarget {
  const content = b.normalizeMessageContent(poll.message);
  const creation =
    content?.pollCreationMessage ??
    content?.pollCreationMessageV2 ??
    content?.pollCreationMessageV3 ??
    undefined;
  const secret = poll.message?.messageContextInfo?.messageSecret;
  if (!creation || !secret?.length) {
    throw new SandboxError(409, `message ${poll.key.id ?? ''} is not a poll the phone can vote in`);
  }
  return { creation, key: poll.key, secret };
}

/**
 * The PN user JID of a message's author as the vote encryption names it: the phone itself for
 * its own messages, else the participant (groups) or the chat, preferring the PN form when the
 * message was LID-addressed.
 */
function authorPn(b: BaileysModule, key: WAMessageKey, ownJid: string): string {
  if (key.fromMe) {
    return ownJid;
  }
  const candidates = [key.participant, key.participantAlt, key.remoteJid, key.remoteJidAlt];
  const pn = candidates.find((jid) => jid?.endsWith('@s.whatsapp.net'));
  return b.jidNormalizedUser(pn ?? key.participant ?? key.remoteJid ?? '');
}

/**
 * Builds a `pollUpdateMessage` voting for `options` (option names) in `poll`, encrypted as
 * WhatsApp clients do: AES-256-GCM over `PollVoteMessage{selectedOptions: SHA-256(name)…}`
 * with key HMAC(HMAC(0³², messageSecret), pollId ‖ creatorJid ‖ voterJid ‖ "Poll Vote" ‖ 01)
 * and AAD `pollId \0 voterJid` — the inverse of Baileys' `decryptPollVote`. JIDs are PN user
 * JIDs (`<number>@s.whatsapp.net`).
 * @throws SandboxError 400 unknown option or too many options, 409 not a poll.
 */
export function buildPollVote(
  b: BaileysModule,
  poll: WAMessage,
  options: string[],
  voterJid: string,
): proto.IMessage {
  const { creation, key, secret } = pollOf(b, poll);
  const names = (creation.options ?? []).map((option) => option.optionName ?? '');
  const unknown = options.find((option) => !names.includes(option));
  if (unknown !== undefined) {
    throw new SandboxError(400, `"${unknown}" is not an option of this poll`);
  }
  const selectable = creation.selectableOptionsCount ?? 0;
  if (selectable > 0 && options.length > selectable) {
    throw new SandboxError(400, `this poll allows at most ${selectable} option(s)`);
  }
  const pollId = key.id ?? '';
  const creatorJid = authorPn(b, key, voterJid);
  const plaintext = b.proto.Message.PollVoteMessage.encode({
    selectedOptions: options.map((option) => createHash('sha256').update(option).digest()),
  }).finish();
  const sign = Buffer.concat([
    Buffer.from(pollId),
    Buffer.from(creatorJid),
    Buffer.from(voterJid),
    Buffer.from('Poll Vote'),
    Buffer.from([1]),
  ]);
  const key0 = b.hmacSign(Buffer.from(secret), Buffer.alloc(32), 'sha256');
  const encKey = b.hmacSign(sign, key0, 'sha256');
  const encIv = randomBytes(12);
  const encPayload = b.aesEncryptGCM(
    Buffer.from(plaintext),
    encKey,
    encIv,
    Buffer.from(`${pollId}\u0000${voterJid}`),
  );
  return {
    pollUpdateMessage: {
      pollCreationMessageKey: {
        remoteJid: key.remoteJid,
        fromMe: key.fromMe,
        id: key.id,
        ...(key.participant ? { participant: key.participant } : {}),
      },
      vote: { encPayload, encIv },
      senderTimestampMs: Date.now(),
    },
  };
}
