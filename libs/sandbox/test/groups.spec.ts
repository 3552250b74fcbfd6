import type { GroupMetadata, WAMessage } from 'baileys';

import type { BaileysModule } from '../src/baileys-loader';
import { type GroupView, type PhoneMessagesView, type Sandbox, startSandbox } from '../src/index';
import { control, linkCompanionByQr, sandboxBaileys, TestClient } from './helpers';
import { eventually } from './messaging-helpers';

jest.setTimeout(10_000);

describe('group messages (sender keys) among phones and a companion', () => {
  const ana = '5511900000031';
  const ben = '5511900000032';
  const cid = '5511900000033';
  const jidOf = (number: string): string => `${number}@s.whatsapp.net`;
  let b: BaileysModule;
  let sandbox: Sandbox;
  let companion: TestClient;
  const upserts: WAMessage[] = [];

  const messagesOf = async (number: string, chat: string): Promise<PhoneMessagesView> =>
    (
      await control<PhoneMessagesView>(
        sandbox,
        'GET',
        `/phones/${number}/messages?chat=${encodeURIComponent(chat)}`,
      )
    ).body;

  beforeAll(async () => {
    b = await sandboxBaileys();
    sandbox = await startSandbox({ port: 0, controlPort: 0 });
    sandbox.createPhone(ana, 'Ana');
    sandbox.createPhone(ben, 'Ben');
    sandbox.createPhone(cid, 'Cid');
    companion = TestClient.start(b, sandbox, await linkCompanionByQr(b, sandbox, ana));
    companion.sock.ev.on('messages.upsert', ({ messages }) => upserts.push(...messages));
    await companion.opened();
  });

  afterAll(async () => {
    await companion.stop();
    await sandbox.close();
  });

  it('creates a group among phones, and every member receives what the companion sends', async () => {
    const created = await control<GroupView>(sandbox, 'POST', '/groups', {
      owner: ana,
      subject: 'Sandbox crew',
      participants: [ben, jidOf(cid)],
    });
    expect(created).toEqual({
      status: 201,
      body: {
        jid: expect.stringMatching(/^\d{18}@g\.us$/),
        subject: 'Sandbox crew',
        owner: jidOf(ana),
        participants: [
          { jid: jidOf(ana), admin: 'superadmin' },
          { jid: jidOf(ben), admin: null },
          { jid: jidOf(cid), admin: null },
        ],
      },
    });
    const group = created.body.jid;

    const metadata: GroupMetadata = await companion.sock.groupMetadata(group);
    expect(metadata).toMatchObject({ id: group, subject: 'Sandbox crew', owner: jidOf(ana) });
    expect(metadata.participants.map((p) => p.id).sort()).toEqual(
      [jidOf(ana), jidOf(ben), jidOf(cid)].sort(),
    );

    const sent = await companion.sock.sendMessage(group, { text: 'hello, group' });
    const sentId = sent?.key.id as string;
    for (const number of [ben, cid]) {
      const view = await eventually(
        () => messagesOf(number, group),
        (v) => v.messages.some((m) => m.id === sentId),
      );
      expect(view.messages.find((m) => m.id === sentId)).toMatchObject({
        chat: group,
        from: jidOf(ana),
        fromMe: false,
        type: 'text',
        text: 'hello, group',
      });
    }
    const own = await eventually(
      () => messagesOf(ana, group),
      (v) => v.messages.some((m) => m.id === sentId),
    );
    expect(own.messages.find((m) => m.id === sentId)).toMatchObject({
      fromMe: true,
      text: 'hello, group',
    });

    // a phone answers in the group; the companion decrypts it with Ben's sender key
    const reply = await control<{ messageId: string }>(sandbox, 'POST', `/phones/${ben}/messages`, {
      to: group,
      text: 'hi all',
    });
    expect(reply.status).toBe(201);
    const received = await eventually(
      () => upserts,
      (list) => list.some((m) => m.key.id === reply.body.messageId),
    );
    const message = received.find((m) => m.key.id === reply.body.messageId) as WAMessage;
    expect(message.key).toMatchObject({ remoteJid: group, participant: jidOf(ben), fromMe: false });
    expect(message.message?.conversation ?? message.message?.extendedTextMessage?.text).toBe(
      'hi all',
    );
    const atCid = await eventually(
      () => messagesOf(cid, group),
      (v) => v.messages.some((m) => m.id === reply.body.messageId),
    );
    expect(atCid.messages.find((m) => m.id === reply.body.messageId)?.text).toBe('hi all');
  });

  it('adds and removes participants through w:g2', async () => {
    const created = sandbox.createGroup(ana, 'Small', [ben]);
    const added = await companion.sock.groupParticipantsUpdate(created.jid, [jidOf(cid)], 'add');
    expect(added).toEqual([{ status: '200', jid: jidOf(cid), content: expect.anything() }]);
    let metadata = await companion.sock.groupMetadata(created.jid);
    expect(metadata.participants.map((p) => p.id)).toContain(jidOf(cid));

    await companion.sock.groupParticipantsUpdate(created.jid, [jidOf(ben)], 'remove');
    metadata = await companion.sock.groupMetadata(created.jid);
    expect(metadata.participants.map((p) => p.id).sort()).toEqual([jidOf(ana), jidOf(cid)].sort());

    const sent = await companion.sock.sendMessage(created.jid, { text: 'only for members' });
    const sentId = sent?.key.id as string;
    await eventually(
      () => messagesOf(cid, created.jid),
      (v) => v.messages.some((m) => m.id === sentId),
    );
    expect((await messagesOf(ben, created.jid)).messages.some((m) => m.id === sentId)).toBe(false);
  });

  it('answers 400/404 for bad group requests', async () => {
    expect(
      await control(sandbox, 'POST', '/groups', {
        owner: ana,
        subject: 'x',
        participants: ['5511988887777'],
      }),
    ).toEqual({ status: 404, body: { error: 'no phone with number or JID 5511988887777' } });
    expect(
      (await control(sandbox, 'POST', '/groups', { owner: ana, subject: '', participants: [ben] }))
        .status,
    ).toBe(400);
    expect(
      (
        await control(sandbox, 'POST', '/groups', {
          owner: '5511988887777',
          subject: 'x',
          participants: [],
        })
      ).status,
    ).toBe(404);
    await expect(companion.sock.groupMetadata('120363000000000000@g.us')).rejects.toMatchObject({
      message: 'item-not-found',
      data: 404,
    });
  });
});
