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

describe('sending text (docs/API.md §3.2, D14)', () => {
  let sandbox: Sandbox;
  let wharf: WharfHandle;
  let api: Api;
  let ta: string;
  let instanceId: string;
  let ownJid: string;
  const carol = { number: '5511922200001', jid: '5511922200001@s.whatsapp.net' };

  let linked: LinkedInstance;

  beforeAll(async () => {
    linked = await startLinkedInstance('sender', '5511922200000', [
      { number: carol.number, name: 'Carol' },
    ]);
    ({ sandbox, wharf, api, ta, instanceId, ownJid } = linked);
  });
  afterAll(() => linked?.close());

  const received = () =>
    sandbox
      .messages(carol.number)
      .messages.filter((m) => m.chat === ownJid || m.chatAlt === ownJid);
  const receivedIds = () => received().map((m) => m.id);

  it('sends synchronously: 200 with the D14 body, the phone gets exactly the text, one outgoing event', async () => {
    const res = await api.post('/api/message/text/sender', {
      token: ta,
      body: { number: '+55 (11) 92220-0001', message: 'Hello Carol' },
    });
    expect(res.status).toBe(200);
    expect(res.body).toEqual({
      success: true,
      message: 'Text message sent successfully',
      status: 'sent',
      messageId: expect.stringMatching(/^3EB0[0-9A-F]{18}$/),
      data: {
        messageId: res.body.messageId,
        timestamp: expect.any(String),
        direction: 'outgoing',
        chat: { jid: carol.jid },
        messageType: 'text',
        content: 'Hello Carol',
      },
    });
    await waitUntil('the phone to receive it', () => receivedIds().includes(res.body.messageId));
    expect(received().find((m) => m.id === res.body.messageId)).toMatchObject({
      type: 'text',
      text: 'Hello Carol',
      from: ownJid,
    });
    await new Promise((resolve) => setTimeout(resolve, 300));
    const events = (await allEvents(wharf, instanceId)).filter(
      (e) =>
        e.data.id === res.body.messageId ||
        (e.data.messageIds as string[] | undefined)?.includes(res.body.messageId),
    );
    const exchanges = events.filter((e) => e.event === 'message.exchange');
    expect(exchanges).toHaveLength(1);
    expect(exchanges[0].data).toMatchObject({
      direction: 'outgoing',
      fromMe: true,
      chat: { jid: carol.jid },
      message: { type: 'text', content: 'Hello Carol', source: 'api' },
    });
    expect(events.some((e) => e.event === 'message.status' && e.data.status === 'sent')).toBe(true);
    const stored = await api.get(`/api/chat/getMessage/sender?messageId=${res.body.messageId}`, {
      token: ta,
    });
    expect(stored.body.data).toMatchObject({
      content: 'Hello Carol',
      from: ownJid,
      to: carol.jid,
      // The phone's delivery receipt may already have arrived.
      status: expect.stringMatching(/^(sent|delivered)$/),
    });
  });

  it('answers 202 queued with Prefer: respond-async and sends in order without loss', async () => {
    const ids: string[] = [];
    for (let i = 0; i < 15; i++) {
      const res = await api.post('/api/message/text/sender', {
        token: ta,
        headers: { prefer: 'respond-async' },
        body: { number: carol.number, text: `burst ${i}`, source: 'crm' },
      });
      expect(res.status).toBe(202);
      expect(res.body).toMatchObject({
        success: true,
        status: 'queued',
        messageId: expect.any(String),
        data: { content: `burst ${i}` },
      });
      ids.push(res.body.messageId);
    }
    await waitUntil(
      'every burst message on the phone',
      () => ids.every((id) => receivedIds().includes(id)),
      30_000,
    );
    const order = receivedIds().filter((id) => ids.includes(id));
    expect(order).toEqual(ids);
    expect(new Set(order).size).toBe(ids.length);
    const orm = await wharf.orm();
    const rows = await orm.em.fork().find(Message, { messageId: { $in: ids } });
    expect(
      rows.every(
        (row) => row.status !== 'pending' && row.status !== 'failed' && row.source === 'crm',
      ),
    ).toBe(true);
  });

  it('returns the first response for a repeated Idempotency-Key and refuses a different body', async () => {
    const headers = { 'idempotency-key': 'order-4711' };
    const first = await api.post('/api/message/text/sender', {
      token: ta,
      headers,
      body: { number: carol.number, message: 'only once' },
    });
    const second = await api.post('/api/message/text/sender', {
      token: ta,
      headers,
      body: { number: carol.number, message: 'only once' },
    });
    expect(second.status).toBe(200);
    expect(second.body.messageId).toBe(first.body.messageId);
    const conflict = await api.post('/api/message/text/sender', {
      token: ta,
      headers,
      body: { number: carol.number, message: 'something else' },
    });
    expect(conflict.status).toBe(409);
    expect(conflict.body.error.code).toBe('IDEMPOTENCY_KEY_REUSED');
    await waitUntil('the phone to receive it', () => receivedIds().includes(first.body.messageId));
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(received().filter((m) => m.text === 'only once')).toHaveLength(1);
  });

  it('waits `delay` seconds with a typing state before sending (D14)', async () => {
    const started = Date.now();
    const res = await api.post('/api/message/text/sender', {
      token: ta,
      body: { number: carol.number, message: 'after typing', delay: 1 },
    });
    expect(res.status).toBe(200);
    expect(Date.now() - started).toBeGreaterThanOrEqual(1000);
    await waitUntil('the phone to receive it', () => receivedIds().includes(res.body.messageId));
  });

  it('quotes replyTo and mentions numbers', async () => {
    const { messageId: incoming } = await sandbox.sendMessage(carol.number, {
      to: ownJid,
      text: 'question?',
    });
    await waitUntil(
      'the question to be stored',
      async () =>
        (await api.get(`/api/chat/getMessage/sender?messageId=${incoming}`, { token: ta }))
          .status === 200,
    );
    const res = await api.post('/api/message/text/sender', {
      token: ta,
      body: {
        number: carol.number,
        message: 'answer @5511922200001',
        replyTo: incoming,
        mention: ['5511922200001'],
      },
    });
    expect(res.body.data).toMatchObject({ replyTo: incoming, mentions: [carol.jid] });
    await waitUntil('the reply on the phone', () => receivedIds().includes(res.body.messageId));
    expect(received().find((m) => m.id === res.body.messageId)).toMatchObject({
      quotedId: incoming,
      mentions: [carol.jid],
    });
  });

  it('reports read receipts as message.status and in GET /api/chat/status', async () => {
    const res = await api.post('/api/message/text/sender', {
      token: ta,
      body: { number: carol.number, message: 'please read' },
    });
    await waitUntil('the phone to receive it', () => receivedIds().includes(res.body.messageId));
    await sandbox.read(carol.number, ownJid, [res.body.messageId]);
    await waitUntil('a read message.status', async () =>
      (await allEvents(wharf, instanceId)).some(
        (e) =>
          e.event === 'message.status' &&
          e.data.status === 'read' &&
          (e.data.messageIds as string[]).includes(res.body.messageId),
      ),
    );
    const status = await api.get(`/api/chat/status/sender?messageId=${res.body.messageId}`, {
      token: ta,
    });
    expect(status.body).toMatchObject({
      status: 'read',
      status_code: 4,
      direction: 'sent',
      chat_jid: carol.jid,
    });
  });

  it.each([
    [{ message: 'hi' }, 400, 'Number is required'],
    [{ number: carol.number }, 400, 'Invalid request body: message is required'],
    [{ number: 'abc', message: 'hi' }, 400, 'Invalid phone number or JID'],
    [
      { number: carol.number, message: 'hi', delay: -1 },
      400,
      'Invalid request body: delay must not be less than 0',
    ],
  ])('refuses %j with %i %s and stores nothing', async (body, status, message) => {
    const orm = await wharf.orm();
    const before = await orm.em.fork().count(Message, { direction: 'outgoing' });
    const res = await api.post('/api/message/text/sender', { token: ta, body });
    expect([res.status, res.body.error?.message]).toEqual([status, message]);
    expect(await orm.em.fork().count(Message, { direction: 'outgoing' })).toBe(before);
  });

  it('answers 503 for an instance that is not connected', async () => {
    await createInstance(wharf, ta, 'offline');
    const res = await api.post('/api/message/text/offline', {
      token: ta,
      body: { number: carol.number, message: 'hi' },
    });
    expect(res.status).toBe(503);
    expect(res.body).toEqual({
      success: false,
      error: { message: 'Instance is not connected to WhatsApp', code: 'INSTANCE_NOT_CONNECTED' },
    });
  });
});
