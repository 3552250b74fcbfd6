import type { proto, WAMessage } from 'baileys';

import type { BaileysModule } from '../src/baileys-loader';
import {
  type PhoneMessagesView,
  type PhoneMessageView,
  type Sandbox,
  startSandbox,
} from '../src/index';
import { control, linkCompanionByQr, sandboxBaileys, TestClient } from './helpers';
import { eventually } from './messaging-helpers';

jest.setTimeout(10_000);

const VCARD =
  'BEGIN:VCARD\nVERSION:3.0\nFN:Zed\nTEL;type=CELL;waid=5511977770000:+55 11 97777-0000\nEND:VCARD';

describe('richer message types between a phone and a companion', () => {
  const dora = '5511900000041';
  const eli = '5511900000042';
  const eliJid = `${eli}@s.whatsapp.net`;
  let b: BaileysModule;
  let sandbox: Sandbox;
  let companion: TestClient;
  const upserts: WAMessage[] = [];

  /** Eli's view of one message the companion sent, once his primary decrypted it. */
  const atEli = async (id: string): Promise<PhoneMessageView> => {
    const view = await eventually(
      async () =>
        (await control<PhoneMessagesView>(sandbox, 'GET', `/phones/${eli}/messages?chat=${dora}`))
          .body,
      (v) => v.messages.some((m) => m.id === id),
    );
    return view.messages.find((m) => m.id === id) as PhoneMessageView;
  };

  /** The companion's copy of a message Eli's phone sent, once decrypted. */
  const atCompanion = async (id: string): Promise<proto.IMessage> => {
    const list = await eventually(
      () => upserts,
      (messages) => messages.some((m) => m.key.id === id),
    );
    const found = list.find((m) => m.key.id === id) as WAMessage;
    return b.normalizeMessageContent(found.message) as proto.IMessage;
  };

  const eliSends = async (body: Record<string, unknown>): Promise<string> => {
    const res = await control<{ messageId: string }>(sandbox, 'POST', `/phones/${eli}/messages`, {
      to: dora,
      ...body,
    });
    expect(res.status).toBe(201);
    return res.body.messageId;
  };

  beforeAll(async () => {
    b = await sandboxBaileys();
    sandbox = await startSandbox({ port: 0, controlPort: 0 });
    sandbox.createPhone(dora, 'Dora');
    sandbox.createPhone(eli, 'Eli');
    companion = TestClient.start(b, sandbox, await linkCompanionByQr(b, sandbox, dora));
    companion.sock.ev.on('messages.upsert', ({ messages }) => upserts.push(...messages));
    await companion.opened();
  });

  afterAll(async () => {
    await companion.stop();
    await sandbox.close();
  });

  it('shows a phone the location, contacts, poll, reaction, edit and revoke a companion sends', async () => {
    const send = async (content: Parameters<typeof companion.sock.sendMessage>[1]) =>
      (await companion.sock.sendMessage(eliJid, content))?.key as proto.IMessageKey;

    const text = await send({ text: 'see @5511900000042', mentions: [eliJid] });
    expect(await atEli(text.id as string)).toMatchObject({ type: 'text', mentions: [eliJid] });

    const location = await send({
      location: {
        degreesLatitude: -23.55,
        degreesLongitude: -46.63,
        name: 'Sé',
        address: 'Praça da Sé',
      },
    });
    expect((await atEli(location.id as string)).location).toEqual({
      degreesLatitude: -23.55,
      degreesLongitude: -46.63,
      name: 'Sé',
      address: 'Praça da Sé',
    });

    const contacts = await send({
      contacts: { displayName: 'Zed', contacts: [{ displayName: 'Zed', vcard: VCARD }] },
    });
    expect(await atEli(contacts.id as string)).toMatchObject({
      type: 'contacts',
      contacts: [{ displayName: 'Zed', vcard: VCARD }],
    });

    const poll = await send({
      poll: { name: 'Lunch?', values: ['pizza', 'sushi'], selectableCount: 1 },
    });
    expect((await atEli(poll.id as string)).poll).toEqual({
      name: 'Lunch?',
      options: ['pizza', 'sushi'],
      selectableCount: 1,
    });

    const reaction = await send({ react: { text: '👍', key: text } });
    expect((await atEli(reaction.id as string)).reaction).toEqual({
      messageId: text.id,
      emoji: '👍',
    });

    const edit = await send({ text: 'see you, Eli', edit: text });
    expect((await atEli(edit.id as string)).edit).toEqual({
      messageId: text.id,
      text: 'see you, Eli',
    });

    const revoke = await send({ delete: location });
    expect((await atEli(revoke.id as string)).revoke).toEqual({ messageId: location.id });
  });

  it('lets a phone send location, contacts, poll, reaction, edit and revoke to a companion', async () => {
    const textId = await eliSends({ text: 'first' });
    const text = await atCompanion(textId);
    expect(text.conversation ?? text.extendedTextMessage?.text).toBe('first');

    const locationId = await eliSends({
      location: { degreesLatitude: 1.5, degreesLongitude: 2.5, name: 'Here' },
    });
    expect((await atCompanion(locationId)).locationMessage).toMatchObject({
      degreesLatitude: 1.5,
      degreesLongitude: 2.5,
      name: 'Here',
    });

    const contactsId = await eliSends({ contacts: [{ displayName: 'Zed', vcard: VCARD }] });
    const contact = await atCompanion(contactsId);
    expect(contact.contactMessage ?? contact.contactsArrayMessage?.contacts?.[0]).toMatchObject({
      displayName: 'Zed',
      vcard: VCARD,
    });

    const pollId = await eliSends({ poll: { name: 'Tea?', options: ['yes', 'no'] } });
    const poll = await atCompanion(pollId);
    const creation =
      poll.pollCreationMessage ?? poll.pollCreationMessageV2 ?? poll.pollCreationMessageV3;
    expect(creation?.name).toBe('Tea?');
    expect(creation?.options?.map((o) => o.optionName)).toEqual(['yes', 'no']);

    const reactionId = await eliSends({ reaction: { messageId: textId, emoji: '❤️' } });
    expect((await atCompanion(reactionId)).reactionMessage).toMatchObject({
      text: '❤️',
      key: { id: textId },
    });

    const editId = await eliSends({ edit: { messageId: textId, text: 'first (edited)' } });
    const edit = (await atCompanion(editId)).protocolMessage;
    expect(edit?.type).toBe(b.proto.Message.ProtocolMessage.Type.MESSAGE_EDIT);
    expect(edit?.key?.id).toBe(textId);
    expect(
      edit?.editedMessage?.conversation ?? edit?.editedMessage?.extendedTextMessage?.text,
    ).toBe('first (edited)');

    const revokeId = await eliSends({ revoke: { messageId: locationId } });
    const revoke = (await atCompanion(revokeId)).protocolMessage;
    expect(revoke?.type).toBe(b.proto.Message.ProtocolMessage.Type.REVOKE);
    expect(revoke?.key?.id).toBe(locationId);
  });

  it('lets a phone vote in a companion’s poll with a vote the poll creator can decrypt', async () => {
    const poll = await companion.sock.sendMessage(eliJid, {
      poll: { name: 'Dinner?', values: ['tacos', 'ramen', 'salad'], selectableCount: 2 },
    });
    const pollId = poll?.key.id as string;
    expect((await atEli(pollId)).type).toBe('poll');

    const voteId = await eliSends({ pollVote: { messageId: pollId, options: ['ramen', 'salad'] } });
    const update = (await atCompanion(voteId)).pollUpdateMessage;
    expect(update?.pollCreationMessageKey?.id).toBe(pollId);
    const vote = b.decryptPollVote(update?.vote as proto.Message.IPollEncValue, {
      pollCreatorJid: `${dora}@s.whatsapp.net`,
      pollMsgId: pollId,
      pollEncKey: poll?.message?.messageContextInfo?.messageSecret as Uint8Array,
      voterJid: eliJid,
    });
    const sha = (name: string): string => Buffer.from(b.sha256(Buffer.from(name))).toString('hex');
    expect(vote.selectedOptions?.map((option) => Buffer.from(option).toString('hex'))).toEqual([
      sha('ramen'),
      sha('salad'),
    ]);

    expect(
      (
        await control(sandbox, 'POST', `/phones/${eli}/messages`, {
          to: dora,
          pollVote: { messageId: pollId, options: ['pizza'] },
        })
      ).status,
    ).toBe(400);
  });

  it('rejects malformed bodies and unknown referenced messages', async () => {
    const post = (body: unknown) => control(sandbox, 'POST', `/phones/${eli}/messages`, body);
    expect(await post({ to: dora })).toEqual({
      status: 400,
      body: { error: expect.stringContaining('the body needs one of') },
    });
    expect((await post({ to: 'nobody', text: 'x' })).status).toBe(400);
    expect(await post({ to: dora, text: 'x', replyTo: 'NOPE' })).toEqual({
      status: 404,
      body: { error: 'the phone has no message NOPE' },
    });
    expect(
      (await post({ to: dora, location: { degreesLatitude: 100, degreesLongitude: 0 } })).status,
    ).toBe(400);
    expect(
      (await control(sandbox, 'POST', '/phones/5511999999999/messages', { to: dora, text: 'x' }))
        .status,
    ).toBe(404);
  });
});
