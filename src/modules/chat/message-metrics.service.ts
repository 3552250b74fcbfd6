import { EntityManager } from '@mikro-orm/core';
import { Injectable } from '@nestjs/common';
import type { Instance } from '@wharf/modules/instance/entities/instance.entity';
import { Message } from '@wharf/modules/messaging/entities/message.entity';

/** D7 types that carry a media file. */
export const MEDIA_TYPES = ['image', 'video', 'audio', 'ptt', 'ptv', 'document', 'sticker'];

/** Statuses reported by `messagesByStatus` (docs/API.md §3.1); `sending` counts as `pending`. */
const REPORTED_STATUSES = ['pending', 'sent', 'delivered', 'read', 'played', 'failed'];

/** `metrics` of `GET /api/instance/metrics/:instance` (docs/API.md §3.1). */
export interface MessageMetrics {
  instance: string;
  totalMessages: number;
  messagesReceived: number;
  messagesSent: number;
  messagesByType: Record<string, number>;
  groupMessages: number;
  individualMessages: number;
  messagesWithMedia: number;
  mediaByType: Record<string, number>;
  messagesByStatus: Record<string, number>;
  uniqueChats: number;
  uniqueGroups: number;
  uniqueContacts: number;
  messagesLast7Days: number;
  messagesLast30Days: number;
  firstMessageAt: string | null;
  lastMessageAt: string | null;
}

type Row = Record<string, unknown>;

/**
 * Message metrics computed from the message store on every call (docs/API.md §3.1, D18): grouped
 * counts in SQL over the listed instances together (numbers summed, earliest first and latest
 * last message). Group chats are `@g.us`; individual chats are phone-number or LID chats
 * (status broadcasts and newsletters count in neither). `groupMessages` is 0 when
 * `ignoreGroupMessages` is on because such messages are never stored.
 */
@Injectable()
export class MessageMetricsService {
  constructor(private readonly em: EntityManager) {}

  async compute(label: string, instances: Instance[]): Promise<MessageMetrics> {
    const em = this.em.fork();
    const ids = instances.map((instance) => instance.id);
    const marks = ids.map(() => '?').join(',');
    const where = `instance_id in (${marks})`;
    const group = `chat_jid like '%@g.us'`;
    const individual = `(chat_jid like '%@s.whatsapp.net' or chat_jid like '%@lid')`;
    const sql = (query: string) => em.getConnection().execute(query, ids) as Promise<Row[]>;
    const counted = (rows: Row[], key: string) =>
      Object.fromEntries(rows.map((row) => [String(row[key]), Number(row.n)]));

    const [totals] = await sql(
      `select count(*) as total,
         sum(case when direction = 'incoming' then 1 else 0 end) as received,
         sum(case when direction = 'outgoing' then 1 else 0 end) as sent,
         sum(case when ${group} then 1 else 0 end) as grp,
         sum(case when ${individual} then 1 else 0 end) as ind,
         count(distinct chat_jid) as chats,
         count(distinct case when ${group} then chat_jid end) as group_chats,
         count(distinct case when ${individual} then chat_jid end) as contacts
       from message where ${where}`,
    );
    const byType = counted(
      await sql(`select type, count(*) as n from message where ${where} group by type`),
      'type',
    );
    const statusRows = counted(
      await sql(`select status, count(*) as n from message where ${where} group by status`),
      'status',
    );
    const messagesByStatus = Object.fromEntries(REPORTED_STATUSES.map((s) => [s, 0]));
    for (const [status, n] of Object.entries(statusRows)) {
      const key = status === 'sending' ? 'pending' : status;
      messagesByStatus[key] = (messagesByStatus[key] ?? 0) + n;
    }
    const mediaByType = Object.fromEntries(
      Object.entries(byType).filter(([type]) => MEDIA_TYPES.includes(type)),
    );
    const now = Date.now();
    const since = (days: number) =>
      em.count(Message, { instance: { $in: ids }, timestamp: { $gte: new Date(now - days * 86_400_000) } });
    const edge = (order: 'asc' | 'desc') =>
      em.findOne(
        Message,
        { instance: { $in: ids } },
        { orderBy: { timestamp: order }, fields: ['timestamp'] },
      );
    const [last7, last30, first, last] = await Promise.all([
      since(7),
      since(30),
      edge('asc'),
      edge('desc'),
    ]);
    return {
      instance: label,
      totalMessages: Number(totals?.total ?? 0),
      messagesReceived: Number(totals?.received ?? 0),
      messagesSent: Number(totals?.sent ?? 0),
      messagesByType: byType,
      groupMessages: Number(totals?.grp ?? 0),
      individualMessages: Number(totals?.ind ?? 0),
      messagesWithMedia: Object.values(mediaByType).reduce((sum, n) => sum + n, 0),
      mediaByType,
      messagesByStatus,
      uniqueChats: Number(totals?.chats ?? 0),
      uniqueGroups: Number(totals?.group_chats ?? 0),
      uniqueContacts: Number(totals?.contacts ?? 0),
      messagesLast7Days: last7,
      messagesLast30Days: last30,
      firstMessageAt: first?.timestamp.toISOString() ?? null,
      lastMessageAt: last?.timestamp.toISOString() ?? null,
    };
  }
}
