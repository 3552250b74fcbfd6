import { EntityManager } from '@mikro-orm/core';
import { Injectable } from '@nestjs/common';
import type { Instance } from '@wharf/modules/instance/entities/instance.entity';
import { Message } from '@wharf/modules/messaging/entities/message.entity';
import { SessionProvider } from '@wharf/modules/session/session.provider';
import { decryptPollVote } from '@wharf/whatsapp';

import { MessageNotFoundError, NotAPollError } from './chat.errors';
import { MessageStoreService } from './message-store.service';

/** One current vote of one voter (docs/API.md `GET /api/chat/poll` `voteDetails`). */
export interface PollVoteDetail {
  optionHash: string;
  optionName: string;
  senderJid: string;
  voteMessageId: string;
  createdAt: string;
}

/** `data` of `GET /api/chat/poll`. */
export interface PollTally {
  messageId: string;
  name: string;
  votes: Array<{ optionName: string; optionVoteCount: number }>;
  voteDetails: PollVoteDetail[];
}

/** One item of `POST /api/chat/history` `messages`. */
export interface HistoryItem {
  messageId: string;
  direction: 'incoming' | 'outgoing';
  fromMe: boolean;
  type: string;
  content?: string;
  media?: Record<string, unknown>;
  from: string;
  to: string | null;
  chat: string;
  senderJid?: string;
  timestamp: string;
  isGroup: boolean;
  status: string;
}

interface StoredPollUpdate {
  pollMessageId?: string;
  selectedOptions?: string[];
  selectedHashes?: string[];
}

/**
 * Reads of the message store behind `GET /api/chat/poll` (poll tallies from the stored,
 * decrypted votes) and `POST /api/chat/history` (docs/API.md §3.3).
 */
@Injectable()
export class ChatReadService {
  constructor(
    private readonly em: EntityManager,
    private readonly store: MessageStoreService,
    private readonly sessions: SessionProvider,
  ) {}

  /**
   * The tally of a poll: each voter's latest vote counts (a later vote replaces an earlier one,
   * an empty one withdraws it), options in the poll's order with their counts, and one
   * `voteDetails` entry per chosen option of each current vote. Votes stored before they could
   * be decrypted are decrypted now.
   * @throws MessageNotFoundError, NotAPollError
   */
  async pollTally(instance: Instance, messageId: string): Promise<PollTally> {
    const em = this.em.fork();
    const poll = await em.findOne(
      Message,
      { instance, messageId },
      { populate: ['raw', 'request'] },
    );
    if (!poll) throw new MessageNotFoundError();
    const definition = poll.type === 'poll' ? pollDefinition(poll) : null;
    if (!definition) throw new NotAPollError();
    const votes = await em.find(
      Message,
      // Votes follow their poll; a day of margin for clock differences between devices.
      {
        instance,
        type: 'poll_update',
        timestamp: { $gte: new Date(poll.timestamp.getTime() - 86_400_000) },
      },
      { populate: ['raw'], orderBy: { timestamp: 'asc', createdAt: 'asc' } },
    );
    const latest = new Map<string, { row: Message; vote: StoredPollUpdate }>();
    let ownJids: Promise<string[]> | undefined;
    for (const row of votes) {
      let vote = row.payload.pollUpdate as StoredPollUpdate | undefined;
      if (vote?.pollMessageId !== messageId) continue;
      if (!vote.selectedHashes && poll.raw && row.raw) {
        const decrypted = await decryptPollVote({
          poll: poll.raw,
          vote: row.raw,
          ownJids: await (ownJids ??= this.ownJids(instance)),
        }).catch(() => null);
        if (!decrypted) continue;
        vote = { ...vote, ...decrypted };
        row.payload = { ...row.payload, pollUpdate: vote };
      }
      if (!vote.selectedHashes) continue;
      latest.set(row.senderJid, { row, vote });
    }
    await em.flush();
    const options = definition.options ?? [];
    const counts = new Map(options.map((name) => [name, 0]));
    const voteDetails: PollVoteDetail[] = [];
    for (const { row, vote } of latest.values()) {
      (vote.selectedHashes ?? []).forEach((hash, index) => {
        const optionName = vote.selectedOptions?.[index] ?? 'Unknown';
        counts.set(optionName, (counts.get(optionName) ?? 0) + 1);
        voteDetails.push({
          optionHash: hash,
          optionName,
          senderJid: row.senderJid.split('@')[0].split(':')[0],
          voteMessageId: row.messageId,
          createdAt: row.timestamp.toISOString(),
        });
      });
    }
    return {
      messageId,
      name: definition.name,
      votes: [...counts].map(([optionName, optionVoteCount]) => ({ optionName, optionVoteCount })),
      voteDetails,
    };
  }

  /**
   * Stored messages of the chat `chatJids` (its phone and LID forms), newest first, at most
   * `count`, with `from <= timestamp <= to` when given. `hasMore` is true when the page is full.
   */
  async history(
    instance: Instance,
    chatJids: string[],
    count: number,
    from: Date | null,
    to: Date | null,
  ): Promise<{ messages: HistoryItem[]; hasMore: boolean }> {
    const timestamp: Record<string, Date> = {};
    if (from) timestamp.$gte = from;
    if (to) timestamp.$lte = to;
    const rows = await this.em.fork().find(
      Message,
      {
        instance,
        $or: [{ chatJid: { $in: chatJids } }, { chatLid: { $in: chatJids } }],
        ...(from || to ? { timestamp } : {}),
      },
      { orderBy: { timestamp: 'desc', createdAt: 'desc' }, limit: count },
    );
    const messages = rows.map((row) => {
      const snapshot = this.store.toSnapshot(row, instance.numberJid);
      return {
        messageId: row.messageId,
        direction: row.direction,
        fromMe: row.direction === 'outgoing',
        ...snapshot,
        ...(snapshot.isGroup ? { senderJid: row.senderJid } : {}),
      };
    });
    return { messages, hasMore: rows.length === count };
  }

  /** The instance's own JIDs (number, device JID, LID) from whichever process owns the session. */
  private async ownJids(instance: Instance): Promise<string[]> {
    const me = await this.sessions.run(instance.id, 'session.me', {}).catch(() => null);
    return [instance.numberJid, me?.jid, me?.lid].filter((jid): jid is string => Boolean(jid));
  }
}

/**
 * Name and options of a stored poll: the D7 `poll` block of received polls, the request of API
 * sends (their rows carry no typed blocks), else the creation message in `raw`.
 */
function pollDefinition(row: Message): { name: string; options: string[] } | null {
  const block = row.payload.poll as { name?: string; options?: string[] } | undefined;
  if (block?.options) return { name: block.name ?? row.content, options: block.options };
  const content = (row.request as { content?: Record<string, unknown> } | null)?.content;
  if (content?.kind === 'poll' && Array.isArray(content.options))
    return {
      name: typeof content.name === 'string' ? content.name : '',
      options: content.options as string[],
    };
  const message = (row.raw as { message?: Record<string, unknown> } | null)?.message;
  const inner =
    (message?.ephemeralMessage as { message?: Record<string, unknown> } | undefined)?.message ??
    message;
  const creation = (inner?.pollCreationMessageV3 ??
    inner?.pollCreationMessageV2 ??
    inner?.pollCreationMessage) as
    { name?: string; options?: Array<{ optionName?: string }> } | undefined;
  if (!creation) return null;
  return {
    name: creation.name ?? '',
    options: (creation.options ?? []).map((option) => option.optionName ?? ''),
  };
}
