/**
 * Store-backed reads of docs/API.md §3.3 and §3.1: poll tallies from votes the sandbox phones cast
 * (decrypted by Wharf), chat history with its paging and date errors, and instance metrics.
 */
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { join } from 'node:path';

import { Message } from '@wharf/modules/messaging/entities/message.entity';

import { createInstance } from '../support/fixtures';
import { Api } from '../support/http';
import {
  allEvents,
  type LinkedInstance,
  type Sandbox,
  startLinkedInstance,
} from '../support/sessions';
import { waitUntil } from '../support/wait';
import { type WharfHandle } from '../support/wharf';

describe('chat reads: poll, history, metrics (docs/API.md §3.1, §3.3)', () => {
  let sandbox: Sandbox;
  let wharf: WharfHandle;
  let api: Api;
  let ta: string;
  let instanceId: string;
  let ownJid: string;
  let linked: LinkedInstance;
  const dan = { number: '5511966600001', jid: '5511966600001@s.whatsapp.net' };
  const eve = { number: '5511966600002', jid: '5511966600002@s.whatsapp.net' };
  let pollId: string;
  const texts: string[] = [];

  beforeAll(async () => {
    // Media is not stored at ingestion here: the last test downloads it on demand.
    linked = await startLinkedInstance(
      'reads',
      '5511966600000',
      [
        { number: dan.number, name: 'Dan' },
        { number: eve.number, name: 'Eve' },
      ],
      {},
      {
        MEDIA_AUTO_DOWNLOAD: 'false',
        MEDIA_STORE_MAX_FILE_BYTES: '4000',
        MEDIA_RETENTION_DAYS: '30',
        MEDIA_SWEEP_INTERVAL_MS: '300',
      },
    );
    ({ sandbox, wharf, api, ta, instanceId, ownJid } = linked);
  });
  afterAll(() => linked?.close());

  async function exchange(messageId: string): Promise<Record<string, any>> {
    const event = await waitUntil(
      `message.exchange of ${messageId}`,
      async () =>
        (await allEvents(wharf, instanceId)).find(
          (e) => e.event === 'message.exchange' && e.data.id === messageId,
        ),
      15_000,
    );
    return event!.data;
  }

  async function vote(phone: { number: string }, options: string[]): Promise<string> {
    const { messageId } = await sandbox.sendMessage(phone.number, {
      to: ownJid,
      pollVote: { messageId: pollId, options },
    });
    return messageId;
  }

  const hash = (name: string) => createHash('sha256').update(name).digest('hex').toUpperCase();

  it('decrypts votes on a poll the instance sent and tallies each voter’s latest vote', async () => {
    const sent = await api.post('/api/message/poll/reads', {
      token: ta,
      body: {
        number: dan.number,
        question: 'Which flavor?',
        options: ['Chocolate', 'Vanilla', 'Lime'],
      },
    });
    expect(sent.status).toBe(200);
    pollId = sent.body.messageId;
    await waitUntil('the poll on Dan’s phone', () =>
      sandbox.messages(dan.number).messages.some((m) => m.id === pollId),
    );

    const first = await vote(dan, ['Chocolate']);
    const update = await exchange(first);
    expect(update.message).toMatchObject({
      type: 'poll_update',
      pollUpdate: { pollMessageId: pollId, voter: dan.jid, selectedOptions: ['Chocolate'] },
    });

    const empty = await api.get(`/api/chat/poll/reads?messageId=${pollId}`, { token: ta });
    expect(empty.status).toBe(200);
    expect(empty.body).toEqual({
      success: true,
      message: 'Poll votes retrieved successfully',
      messageId: pollId,
      data: {
        messageId: pollId,
        name: 'Which flavor?',
        votes: [
          { optionName: 'Chocolate', optionVoteCount: 1 },
          { optionName: 'Vanilla', optionVoteCount: 0 },
          { optionName: 'Lime', optionVoteCount: 0 },
        ],
        voteDetails: [
          {
            optionHash: hash('Chocolate'),
            optionName: 'Chocolate',
            senderJid: dan.number,
            voteMessageId: first,
            createdAt: expect.any(String),
          },
        ],
      },
    });

    // Dan changes his mind (the later vote replaces the earlier one).
    const second = await vote(dan, ['Vanilla']);
    await exchange(second);
    const tally = await api.get(`/api/chat/poll/reads?messageId=${pollId}`, { token: ta });
    expect(tally.body.data.votes).toEqual([
      { optionName: 'Chocolate', optionVoteCount: 0 },
      { optionName: 'Vanilla', optionVoteCount: 1 },
      { optionName: 'Lime', optionVoteCount: 0 },
    ]);
    expect(tally.body.data.voteDetails).toEqual([
      expect.objectContaining({ optionName: 'Vanilla', senderJid: dan.number, voteMessageId: second }),
    ]);
  });

  it('answers the poll route’s errors', async () => {
    const missing = await api.get('/api/chat/poll/reads', { token: ta });
    expect([missing.status, missing.body.error.message]).toEqual([
      400,
      'messageId query parameter is required',
    ]);
    const unknown = await api.get('/api/chat/poll/reads?messageId=NOPE', { token: ta });
    expect([unknown.status, unknown.body.error.message]).toEqual([404, 'Message not found']);
    const text = await sandbox.sendMessage(dan.number, { to: ownJid, text: 'not a poll' });
    await exchange(text.messageId);
    const notPoll = await api.get(`/api/chat/poll/reads?messageId=${text.messageId}`, {
      token: ta,
    });
    expect([notPoll.status, notPoll.body.error]).toEqual([
      400,
      { message: 'Message is not a poll', code: 'NOT_A_POLL' },
    ]);
  });

  it('returns a chat’s stored messages newest first and pages back with `to`', async () => {
    for (const text of ['one', 'two', 'three']) {
      // WhatsApp stamps messages in whole seconds: one second apart so the order is known.
      if (texts.length) await new Promise((resolve) => setTimeout(resolve, 1_050));
      const { messageId } = await sandbox.sendMessage(eve.number, { to: ownJid, text });
      await exchange(messageId);
      texts.push(messageId);
    }
    await new Promise((resolve) => setTimeout(resolve, 1_050));
    const reply = await api.post('/api/message/text/reads', {
      token: ta,
      body: { number: eve.number, message: 'four' },
    });
    expect(reply.status).toBe(200);

    const page = await api.post('/api/chat/history/reads', {
      token: ta,
      body: { number: `+${eve.number}`, count: 3 },
    });
    expect(page.status).toBe(200);
    expect(page.body).toMatchObject({
      success: true,
      message: 'History retrieved successfully',
      count: 3,
      hasMore: true,
      chat_jid: eve.jid,
    });
    expect(page.body.messages.map((m: any) => m.content)).toEqual(['four', 'three', 'two']);
    expect(page.body.messages[0]).toMatchObject({
      messageId: reply.body.messageId,
      direction: 'outgoing',
      fromMe: true,
      type: 'text',
      from: ownJid,
      chat: eve.jid,
      isGroup: false,
    });
    expect(page.body.messages[1]).toMatchObject({
      messageId: texts[2],
      direction: 'incoming',
      fromMe: false,
      from: eve.jid,
      to: ownJid,
      status: 'delivered',
    });

    const oldest = page.body.messages[2].timestamp;
    const back = await api.post('/api/chat/history/reads', {
      token: ta,
      body: { number: eve.number, count: 3, to: oldest },
    });
    expect(back.body.messages.map((m: any) => m.content)).toEqual(['two', 'one']);
    expect(back.body).toMatchObject({ count: 2, hasMore: false });

    const future = await api.post('/api/chat/history/reads', {
      token: ta,
      body: { number: eve.number, from: '2999-01-01T00:00:00Z' },
    });
    expect(future.body).toMatchObject({ messages: [], count: 0, hasMore: false });
  });

  it.each([
    [{}, 'Number is required'],
    [{ number: eve.number, from: 'yesterday' }, "invalid 'from' date format. Use ISO 8601 format (e.g., '2026-02-16T18:32:39Z')"],
    [{ number: eve.number, to: '2026-13-45' }, "invalid 'to' date format. Use ISO 8601 format (e.g., '2026-02-16T18:32:39Z')"],
    [{ number: eve.number, count: 0 }, 'Invalid request body: count must not be less than 1'],
    [{ number: eve.number, extra: true }, 'Invalid request body: property extra should not exist'],
  ])('refuses history with %j', async (body, message) => {
    const res = await api.post('/api/chat/history/reads', { token: ta, body });
    expect([res.status, res.body.error?.message]).toEqual([400, message]);
  });

  it('computes metrics from the message store, for one instance or a list', async () => {
    const res = await api.get('/api/instance/metrics/reads', { token: ta });
    expect(res.status).toBe(200);
    const m = res.body.metrics;
    // Received: 2 votes, 1 text to Dan, 3 texts from Eve; sent: the poll and "four".
    expect(m).toMatchObject({
      instance: 'reads',
      totalMessages: 8,
      messagesReceived: 6,
      messagesSent: 2,
      messagesByType: { poll: 1, poll_update: 2, text: 5 },
      groupMessages: 0,
      individualMessages: 8,
      messagesWithMedia: 0,
      mediaByType: {},
      uniqueChats: 2,
      uniqueGroups: 0,
      uniqueContacts: 2,
      messagesLast7Days: 8,
      messagesLast30Days: 8,
    });
    expect(res.body.message).toBe('Metrics retrieved successfully');
    expect(Object.keys(m.messagesByStatus).sort()).toEqual(
      ['delivered', 'failed', 'pending', 'played', 'read', 'sent'],
    );
    expect(Object.values(m.messagesByStatus).reduce((a: number, b) => a + (b as number), 0)).toBe(8);
    expect(Date.parse(m.firstMessageAt)).toBeLessThanOrEqual(Date.parse(m.lastMessageAt));

    const other = await createInstance(wharf, ta, 'quiet');
    const both = await api.get('/api/instance/metrics/reads, quiet', { token: ta });
    expect(both.status).toBe(200);
    expect(both.body.metrics).toMatchObject({ instance: 'reads, quiet', totalMessages: 8 });
    const none = await api.get('/api/instance/metrics/quiet', { token: ta });
    expect(none.body.metrics).toMatchObject({
      totalMessages: 0,
      firstMessageAt: null,
      lastMessageAt: null,
    });

    const mismatch = await api.get('/api/instance/metrics/reads,quiet', { token: other.token });
    expect([mismatch.status, mismatch.body.error.message]).toEqual([
      403,
      'Instance token does not match requested instance',
    ]);
    const ghost = await api.get('/api/instance/metrics/reads,ghost', { token: ta });
    expect([ghost.status, ghost.body.error.message]).toEqual([404, 'Instance not found']);
    const empty = await api.get('/api/instance/metrics/, ,', { token: ta });
    expect([empty.status, empty.body.error.message]).toEqual([400, 'Instance name is required']);
  });
  it('downloads media on demand when ingestion did not store it (MEDIA_AUTO_DOWNLOAD=false)', async () => {
    const small = Buffer.concat([Buffer.from('%PDF-1.4\n'), Buffer.alloc(1500, 1)]);
    const big = Buffer.concat([Buffer.from('%PDF-1.4\n'), Buffer.alloc(6000, 2)]);
    const sent = [];
    for (const [bytes, fileName] of [
      [small, 'small.pdf'],
      [big, 'big.pdf'],
    ] as const) {
      const { messageId } = await sandbox.sendMessage(dan.number, {
        to: ownJid,
        document: { data: bytes.toString('base64'), mimetype: 'application/pdf', fileName },
      });
      const media = (await exchange(messageId)).message.media;
      expect(media).toMatchObject({ fileName, size: bytes.length });
      expect(media.s3Url).toBeUndefined();
      sent.push({ messageId, bytes, path: new URL(media.downloadUrl).pathname });
    }
    const [first, second] = sent;
    // Not downloaded by the ingestion pipeline: chat/base64 has nothing yet.
    const before = await api.get(`/api/chat/base64/reads?messageId=${first.messageId}`, {
      token: ta,
    });
    expect(before.status).toBe(404);

    const get = async (path: string, headers: Record<string, string> = {}) => {
      const res = await fetch(`${wharf.url}${path}`, { headers: { token: ta, ...headers } });
      return { res, bytes: Buffer.from(await res.arrayBuffer()) };
    };
    const fetched = await get(first.path);
    expect(fetched.res.status).toBe(200);
    expect(fetched.bytes.equals(first.bytes)).toBe(true);
    expect(fetched.res.headers.get('content-length')).toBe(String(first.bytes.length));
    // Within MEDIA_STORE_MAX_FILE_BYTES it is now stored: ranges and chat/base64 work.
    const ranged = await get(first.path, { range: 'bytes=0-8' });
    expect([ranged.res.status, ranged.bytes.toString()]).toEqual([206, '%PDF-1.4\n']);
    const after = await api.get(`/api/chat/base64/reads?messageId=${first.messageId}`, {
      token: ta,
    });
    expect(after.body).toMatchObject({
      media_type: 'document',
      mime_type: 'application/pdf',
      base64: first.bytes.toString('base64'),
    });

    // Over the cap: streamed from WhatsApp each time, never stored.
    const streamed = await get(second.path, { range: 'bytes=0-8' });
    expect(streamed.res.status).toBe(200);
    expect(streamed.bytes.equals(second.bytes)).toBe(true);
    expect(streamed.res.headers.get('content-disposition')).toContain('filename="big.pdf"');
    const notStored = await api.get(`/api/chat/base64/reads?messageId=${second.messageId}`, {
      token: ta,
    });
    expect(notStored.status).toBe(404);

    // MEDIA_RETENTION_DAYS: the stored file of a message older than 30 days is deleted.
    const orm = await wharf.orm();
    const row = await orm.em.fork().findOneOrFail(Message, { messageId: first.messageId });
    expect(row.mediaPath).toBeTruthy();
    await orm.em
      .fork()
      .nativeUpdate(Message, { id: row.id }, { timestamp: new Date(Date.now() - 31 * 86_400_000) });
    await waitUntil('the sweep of the expired file', async () => {
      const swept = await orm.em.fork().findOneOrFail(Message, { id: row.id });
      return swept.mediaPath === null;
    });
    expect(existsSync(join(wharf.env.DATA_DIR, 'media', row.mediaPath!))).toBe(false);
    const gone = await api.get(`/api/chat/base64/reads?messageId=${first.messageId}`, {
      token: ta,
    });
    expect(gone.status).toBe(404);
  });
});
