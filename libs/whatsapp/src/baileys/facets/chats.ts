import type { MinimalMessage, WAMessageKey } from 'baileys';

import type { LastMessageRef, MessageRef, MuteUntil } from '../../app-state';
import type { AppStateScope, ChatsFacet } from '../../facets';
import { rethrowAsEngineError } from '../iq-errors';
import type { BaileysFacetContext } from './context';

/** Seconds since the epoch, WhatsApp's message timestamps. */
function seconds(date: Date): number {
  return Math.floor(date.getTime() / 1000);
}

/** The key of a message as Baileys wants it. */
export function toEngineKey(message: MessageRef): WAMessageKey {
  return {
    remoteJid: message.chatJid,
    id: message.id,
    fromMe: message.fromMe,
    ...(message.participant ? { participant: message.participant } : {}),
  };
}

/**
 * The `lastMessages` range of an archive / mark-read / delete-chat patch: the chat's newest
 * message, or none (an empty range, which WhatsApp accepts; docs round2-protocol §2.1).
 */
export function lastMessagesOf(chatJid: string, last: LastMessageRef | null): MinimalMessage[] {
  if (!last) return [];
  return [
    {
      key: toEngineKey({
        chatJid,
        id: last.id,
        fromMe: last.fromMe,
        participant: last.participant,
      }),
      messageTimestamp: Math.max(1, seconds(last.timestamp)),
    },
  ];
}

/**
 * {@link ChatsFacet} on a Baileys socket: `chatModify` / `star` app-state patches (each waits for
 * the app-state key first, `ctx.appStateKey`), `sendMessage({ delete })` for revokes and
 * `resyncAppState` for refreshes.
 */
export class BaileysChats implements ChatsFacet {
  constructor(private readonly ctx: BaileysFacetContext) {}

  async archive(
    chatJid: string,
    archive: boolean,
    lastMessage: LastMessageRef | null,
  ): Promise<void> {
    await this.modify('chats.archive', (sock) =>
      sock.chatModify({ archive, lastMessages: lastMessagesOf(chatJid, lastMessage) }, chatJid),
    );
  }

  async pin(chatJid: string, pin: boolean): Promise<void> {
    await this.modify('chats.pin', (sock) => sock.chatModify({ pin }, chatJid));
  }

  async mute(chatJid: string, until: MuteUntil): Promise<void> {
    // WhatsApp's "always" is a mute ending at -1 (docs round2-protocol §3.3 mute).
    const mute = until === 'forever' ? -1 : until ? until.getTime() : null;
    await this.modify('chats.mute', (sock) => sock.chatModify({ mute }, chatJid));
  }

  async markRead(
    chatJid: string,
    read: boolean,
    lastMessage: LastMessageRef | null,
  ): Promise<void> {
    await this.modify('chats.markRead', (sock) =>
      sock.chatModify(
        { markRead: read, lastMessages: lastMessagesOf(chatJid, lastMessage) },
        chatJid,
      ),
    );
  }

  async deleteChat(chatJid: string, lastMessage: LastMessageRef | null): Promise<void> {
    await this.modify('chats.deleteChat', (sock) =>
      sock.chatModify(
        { delete: true, lastMessages: lastMessagesOf(chatJid, lastMessage) },
        chatJid,
      ),
    );
  }

  async deleteForMe(message: MessageRef, timestamp: Date, deleteMedia: boolean): Promise<void> {
    await this.modify('chats.deleteForMe', (sock) =>
      sock.chatModify(
        { deleteForMe: { key: toEngineKey(message), timestamp: seconds(timestamp), deleteMedia } },
        message.chatJid,
      ),
    );
  }

  async revoke(message: MessageRef): Promise<void> {
    await this.ctx
      .socket()
      .sendMessage(message.chatJid, { delete: toEngineKey(message) })
      .catch(rethrowAsEngineError('chats.revoke'));
  }

  async star(
    chatJid: string,
    messages: Array<{ id: string; fromMe: boolean }>,
    star: boolean,
  ): Promise<void> {
    await this.modify('chats.star', (sock) => sock.star(chatJid, messages, star));
  }

  async resync(scope: AppStateScope): Promise<void> {
    const sock = this.ctx.socket();
    await this.ctx.appStateKey('chats.resync');
    const b = this.ctx.baileys();
    const names = scope === 'labels' || !b ? (['regular'] as const) : b.ALL_WA_PATCH_NAMES;
    await sock.resyncAppState(names, false).catch(rethrowAsEngineError('chats.resync'));
  }

  private async modify(
    operation: string,
    write: (sock: ReturnType<BaileysFacetContext['socket']>) => Promise<void>,
  ): Promise<void> {
    const sock = this.ctx.socket();
    await this.ctx.appStateKey(operation);
    await write(sock).catch(rethrowAsEngineError(operation));
  }
}
