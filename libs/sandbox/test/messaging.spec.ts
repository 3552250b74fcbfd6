import type { WAMessage, WAMessageUpdate } from 'baileys';

import type { BaileysModule } from '../src/baileys-loader';
import { type PhoneMessagesView, type Sandbox, startSandbox } from '../src/index';
import { control, linkCompanionByQr, sandboxBaileys, TestClient } from './helpers';
import { eventually } from './messaging-helpers';

jest.setTimeout(10_000);

describe('1:1 messages between a companion and phones', () => {
  const alice = '5511900000021';
  const bob = '5511900000022';
  const aliceJid = `${alice}@s.whatsapp.net`;
  const bobJid = `${bob}@s.whatsapp.net`;
  let b: BaileysModule;
  let sandbox: Sandbox;
  let companion: TestClient;
  const upserts: WAMessage[] = [];
  const updates: WAMessageUpdate[] = [];

  const messagesOf = async (number: string, chat: string): Promise<PhoneMessagesView> => {
    const res = await control<PhoneMessagesView>(
      sandbox,
      'GET',
      `/phones/${number}/messages?chat=${encodeURIComponent(chat)}`,
    );
    expect(res.status).toBe(200);
    return res.body;
  };

  /**
   * Latest status Baileys reported for a message: from `messages.update`, or from the upsert
   * itself when Baileys' event buffer merged the update into it.
   */
  const statusOf = (id: string): number | null | undefined => {
    const update = updates.filter((u) => u.key.id === id && u.update.status).at(-1);
    return update?.update.status ?? upserts.find((m) => m.key.id === id)?.status;
  };

  beforeAll(async () => {
    b = await sandboxBaileys();
    sandbox = await startSandbox({ port: 0, controlPort: 0 });
    sandbox.createPhone(alice, 'Alice');
    sandbox.createPhone(bob, 'Bob');
    companion = TestClient.start(b, sandbox, await linkCompanionByQr(b, sandbox, alice));
    companion.sock.ev.on('messages.upsert', ({ messages }) => upserts.push(...messages));
    companion.sock.ev.on('messages.update', (list) => updates.push(...list));
    await companion.opened();
  });

  afterAll(async () => {
    await companion.stop();
    await sandbox.close();
  });

  it('carries a companion’s text to the other phone, which decrypts it; the reply comes back', async () => {
    const sent = await companion.sock.sendMessage(bobJid, { text: 'hello from Wharf' });
    const sentId = sent?.key.id as string;
    expect(sentId).toBeTruthy();

    const atBob = await eventually(
      () => messagesOf(bob, alice),
      (view) => view.messages.some((m) => m.id === sentId),
    );
    expect(atBob.messages.find((m) => m.id === sentId)).toMatchObject({
      type: 'text',
      text: 'hello from Wharf',
      fromMe: false,
      pushName: 'Alice',
    });

    // delivery receipt from Bob's primary reaches the companion
    await eventually(
      () => statusOf(sentId),
      (status) => status === b.proto.WebMessageInfo.Status.DELIVERY_ACK,
    );

    const reply = await control<{ messageId: string }>(sandbox, 'POST', `/phones/${bob}/messages`, {
      to: alice,
      text: 'hi Alice',
      replyTo: sentId,
    });
    expect(reply.status).toBe(201);
    const received = await eventually(
      () => upserts,
      (list) => list.some((m) => m.key.id === reply.body.messageId),
    );
    const message = received.find((m) => m.key.id === reply.body.messageId) as WAMessage;
    expect(message.key.fromMe).toBe(false);
    expect(message.message?.extendedTextMessage?.text).toBe('hi Alice');
    expect(message.message?.extendedTextMessage?.contextInfo?.stanzaId).toBe(sentId);
  });

  it('routes read receipts back to the sender and shows the sent message on the sender’s primary', async () => {
    const sent = await companion.sock.sendMessage(bobJid, { text: 'please read me' });
    const sentId = sent?.key.id as string;

    // Alice's primary (her other device) got the message Wharf sent, as fromMe
    const atAlice = await eventually(
      () => messagesOf(alice, bob),
      (view) => view.messages.some((m) => m.id === sentId),
    );
    expect(atAlice.messages.find((m) => m.id === sentId)).toMatchObject({
      chat: bobJid,
      from: aliceJid,
      fromMe: true,
      type: 'text',
      text: 'please read me',
    });

    await eventually(
      () => messagesOf(bob, alice),
      (view) => view.messages.some((m) => m.id === sentId),
    );
    const read = await control(sandbox, 'POST', `/phones/${bob}/read`, {
      chat: alice,
      messageIds: [sentId],
    });
    expect(read).toEqual({ status: 200, body: { messageIds: [sentId] } });
    await eventually(
      () => statusOf(sentId),
      (status) => status === b.proto.WebMessageInfo.Status.READ,
    );
    // the phone's own view lists the receipts for what its companion sent
    const receipts = await eventually(
      () => messagesOf(alice, bob),
      (view) => view.receipts.some((r) => r.messageId === sentId && r.status === 'read'),
    );
    expect(receipts.receipts.filter((r) => r.messageId === sentId)).toEqual([
      {
        messageId: sentId,
        chat: bobJid,
        status: 'delivered',
        from: bobJid,
        at: expect.any(String),
      },
      { messageId: sentId, chat: bobJid, status: 'read', from: bobJid, at: expect.any(String) },
    ]);
  });

  it('routes played receipts (voice notes) and refuses receipts for unknown messages', async () => {
    const sent = await companion.sock.sendMessage(bobJid, { text: 'pretend this is a voice note' });
    const sentId = sent?.key.id as string;
    await eventually(
      () => messagesOf(bob, alice),
      (view) => view.messages.some((m) => m.id === sentId),
    );
    expect(
      await control(sandbox, 'POST', `/phones/${bob}/play`, {
        chat: aliceJid,
        messageIds: [sentId],
      }),
    ).toEqual({ status: 200, body: { messageIds: [sentId] } });
    await eventually(
      () => statusOf(sentId),
      (status) => status === b.proto.WebMessageInfo.Status.PLAYED,
    );
    expect(
      await control(sandbox, 'POST', `/phones/${bob}/read`, { chat: alice, messageIds: ['NOPE'] }),
    ).toEqual({ status: 404, body: { error: 'the phone has no message NOPE' } });
    expect(
      (await control(sandbox, 'POST', `/phones/${bob}/read`, { chat: alice, messageIds: [] }))
        .status,
    ).toBe(400);
  });

  it('queues messages for a companion that is offline and delivers them on its next login', async () => {
    const number = '5511900000023';
    sandbox.createPhone(number, 'Cleo');
    const auth = await linkCompanionByQr(b, sandbox, number);
    const first = TestClient.start(b, sandbox, auth);
    await first.opened();
    await first.stop();

    const sent = await control<{ messageId: string }>(sandbox, 'POST', `/phones/${bob}/messages`, {
      to: number,
      text: 'while you were away',
    });
    expect(sent.status).toBe(201);

    const again = TestClient.start(b, sandbox, auth);
    const received: WAMessage[] = [];
    again.sock.ev.on('messages.upsert', ({ messages }) => received.push(...messages));
    try {
      await again.opened();
      const list = await eventually(
        () => received,
        (messages) => messages.some((m) => m.key.id === sent.body.messageId),
      );
      const message = list.find((m) => m.key.id === sent.body.messageId) as WAMessage;
      expect(
        b.normalizeMessageContent(message.message)?.conversation ??
          message.message?.extendedTextMessage?.text,
      ).toBe('while you were away');
    } finally {
      await again.stop();
    }
  });

  it('queues messages for a disconnected phone and delivers them when it reconnects', async () => {
    expect(await control(sandbox, 'POST', `/phones/${bob}/disconnect`)).toEqual({
      status: 200,
      body: { online: false },
    });
    const sent = await companion.sock.sendMessage(bobJid, { text: 'are you there?' });
    const sentId = sent?.key.id as string;
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect((await messagesOf(bob, alice)).messages.some((m) => m.id === sentId)).toBe(false);
    expect(statusOf(sentId)).not.toBe(b.proto.WebMessageInfo.Status.DELIVERY_ACK);

    await control(sandbox, 'POST', `/phones/${bob}/connect`);
    const view = await eventually(
      () => messagesOf(bob, alice),
      (v) => v.messages.some((m) => m.id === sentId),
    );
    expect(view.messages.find((m) => m.id === sentId)?.text).toBe('are you there?');
    await eventually(
      () => statusOf(sentId),
      (status) => status === b.proto.WebMessageInfo.Status.DELIVERY_ACK,
    );
  });

  it('answers usync contact queries: registered numbers exist, others do not', async () => {
    expect(await companion.sock.onWhatsApp(bob)).toEqual([{ exists: true, jid: bobJid }]);
    expect(await companion.sock.onWhatsApp('5511988887777')).toEqual([]);
  });
});
