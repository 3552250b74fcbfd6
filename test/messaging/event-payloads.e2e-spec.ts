import { Message } from '@wharf/modules/messaging/entities/message.entity';

import type { Api } from '../support/http';
import { type LinkedInstance, type Sandbox, startLinkedInstance } from '../support/sessions';
import { type OpenStream, openStream } from '../support/stream';
import { waitUntil } from '../support/wait';
import { type WharfHandle } from '../support/wharf';
import { type Receiver, startReceiver } from '../webhook/webhook-helpers';

/**
 * D25 event payloads as real RyzeAPI clients read them, taken from real deliveries: each case
 * waits for the same event on the webhook and on the WebSocket and reads the fields there.
 * Also `POST /api/message/event` (D25): the sandbox phone shows the event with its fields.
 */
describe('event payloads for RyzeAPI clients (D25) and event messages', () => {
  let linked: LinkedInstance;
  let sandbox: Sandbox;
  let wharf: WharfHandle;
  let api: Api;
  let ta: string;
  let ownJid: string;
  let receiver: Receiver;
  let stream: OpenStream;
  const alice = { number: '5511955500001', jid: '5511955500001@s.whatsapp.net' };
  const bob = { number: '5511955500002', jid: '5511955500002@s.whatsapp.net' };

  beforeAll(async () => {
    linked = await startLinkedInstance(
      'compat',
      '5511955500000',
      [
        { number: alice.number, name: 'Alice' },
        { number: bob.number, name: 'Bob' },
      ],
      {},
      { ALLOW_PRIVATE_TARGETS: 'true' },
    );
    ({ sandbox, wharf, api, ta, ownJid } = linked);
    receiver = await startReceiver();
    const hook = await api.post('/api/events/webhook/compat', {
      token: ta,
      body: { url: receiver.url },
    });
    expect(hook.status).toBe(200);
    const ws = await api.post('/api/events/websocket/compat', { token: ta, body: {} });
    expect(ws.status).toBe(200);
    stream = await openStream(wharf.url, 'compat', { headers: { token: ta } });
  });
  afterAll(async () => {
    stream?.socket.close();
    await receiver?.stop();
    await linked?.close();
  });

  /**
   * Waits for the event matching `match` on both channels; returns its `data` after checking
   * both deliveries carry the same envelope.
   */
  async function delivered(
    what: string,
    match: (envelope: any) => boolean,
  ): Promise<Record<string, any>> {
    const [hook, frame] = (await waitUntil(
      what,
      () => {
        const h = receiver.requests.map((r) => r.json).find((e) => e && match(e));
        const f = stream.frames.find((e) => match(e));
        return h && f ? [h, f] : undefined;
      },
      20_000,
    ))!;
    expect(frame).toEqual(hook);
    expect(deviceJids(hook.data)).toEqual([]);
    return hook.data;
  }

  /** Every string in `value` naming a device (`…:<n>@…`), with its path. */
  function deviceJids(value: unknown, path = 'data'): string[] {
    if (typeof value === 'string') return /:\d+@/.test(value) ? [`${path}=${value}`] : [];
    if (Array.isArray(value)) return value.flatMap((v, i) => deviceJids(v, `${path}[${i}]`));
    if (value && typeof value === 'object')
      return Object.entries(value).flatMap(([k, v]) => deviceJids(v, `${path}.${k}`));
    return [];
  }

  const exchange = (pred: (data: any) => boolean) => (e: any) =>
    e.event === 'message.exchange' && pred(e.data);

  it('copies the catalogue fields into an incoming text', async () => {
    const { messageId } = await sandbox.sendMessage(alice.number, { to: ownJid, text: 'Olá' });
    const data = await delivered(
      'the incoming text',
      exchange((d) => d.id === messageId),
    );
    expect(data.message).toMatchObject({
      id: messageId,
      type: 'text',
      content: 'Olá',
      text: 'Olá',
      remoteJid: alice.jid,
      from: alice.jid,
      to: ownJid,
      timestamp: data.timestamp,
      chat: data.chat,
      sender: data.sender,
    });
  });

  it('echoes a media send with the bare sender JID', async () => {
    const png = Buffer.from(
      'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==',
      'base64',
    );
    const res = await api.post('/api/message/media/compat', {
      token: ta,
      body: {
        number: alice.number,
        mediaType: 'image',
        mediaBase64: png.toString('base64'),
        message: 'a pixel',
      },
    });
    expect(res.status).toBe(200);
    const data = await delivered(
      'the echo of the media send',
      exchange((d) => d.id === res.body.messageId),
    );
    expect(data.sender.jid).toBe(ownJid);
    expect(data.message).toMatchObject({
      type: 'image',
      from: ownJid,
      to: alice.jid,
      text: 'a pixel',
    });
  });

  it('adds data.reply and data.mentions to a reply with a mention', async () => {
    const { messageId: question } = await sandbox.sendMessage(alice.number, {
      to: ownJid,
      text: 'question?',
    });
    await delivered(
      'the question',
      exchange((d) => d.id === question),
    );
    const res = await api.post('/api/message/text/compat', {
      token: ta,
      body: {
        number: alice.number,
        message: `answer @${bob.number}`,
        replyTo: question,
        mention: [bob.number],
      },
    });
    expect(res.status).toBe(200);
    const data = await delivered(
      'the reply',
      exchange((d) => d.id === res.body.messageId),
    );
    expect(data.reply).toMatchObject({ message_id: question });
    expect(data.mentions).toEqual({ mentionedUsers: [bob.jid] });
    expect(data.message.context).toMatchObject({ quotedMessageId: question });
  });

  it('names the original id and the new text of an edit, and the revoked id of a revoke', async () => {
    const { messageId: original } = await sandbox.sendMessage(alice.number, {
      to: ownJid,
      text: 'first version',
    });
    await delivered(
      'the original',
      exchange((d) => d.id === original),
    );
    const { messageId: edit } = await sandbox.sendMessage(alice.number, {
      to: ownJid,
      edit: { messageId: original, text: 'second version' },
    });
    const edited = await delivered(
      'the edit',
      exchange((d) => d.id === edit),
    );
    expect(edited.message).toMatchObject({
      type: 'message_edit',
      isEdit: true,
      content: 'second version',
      edit: { originalId: original, original_id: original, text: 'second version' },
    });
    const { messageId: revoke } = await sandbox.sendMessage(alice.number, {
      to: ownJid,
      revoke: { messageId: original },
    });
    const revoked = await delivered(
      'the revoke',
      exchange((d) => d.message.type === 'message_revoke' && d.message.revokeId === revoke),
    );
    expect(revoked.id).toBe(original);
    expect(revoked.message).toMatchObject({
      id: original,
      revokeId: revoke,
      edit: { originalId: original, original_id: original },
    });
  });

  it('gives message.status data.id and the recipient as a JID string', async () => {
    const res = await api.post('/api/message/text/compat', {
      token: ta,
      body: { number: alice.number, message: 'please read' },
    });
    const id = res.body.messageId as string;
    await waitUntil('the phone to receive it', () =>
      sandbox.messages(alice.number).messages.some((m) => m.id === id),
    );
    await sandbox.read(alice.number, ownJid, [id]);
    const data = await delivered(
      'the read receipt',
      (e) => e.event === 'message.status' && e.data.status === 'read' && e.data.id === id,
    );
    expect(data).toMatchObject({
      id,
      messageIds: [id],
      recipient: alice.jid,
      chat: { jid: alice.jid },
      message: { id, status: 'read', direction: 'outgoing' },
    });
  });

  describe('POST /api/message/event', () => {
    const start = '2026-05-04T14:00:00-03:00';
    const full = {
      number: alice.number,
      name: 'Quarterly review',
      startAt: start,
      endAt: '2026-05-04T15:30:00-03:00',
      description: 'Numbers of Q1',
      location: {
        name: 'Head office',
        address: 'Av. Paulista, 1000',
        latitude: -23.56,
        longitude: -46.65,
      },
      joinLink: 'https://meet.example.com/q-review',
      isScheduleCall: false,
      hasReminder: true,
      reminderOffsetSec: 900,
      extraGuestsAllowed: true,
      isCanceled: false,
    };

    it('sends the event: the phone shows it with its fields, one outgoing event of type event', async () => {
      const res = await api.post('/api/message/event/compat', { token: ta, body: full });
      expect(res.status).toBe(200);
      expect(res.body).toMatchObject({
        success: true,
        message: 'Event message sent successfully',
        status: 'sent',
        data: {
          messageId: res.body.messageId,
          direction: 'outgoing',
          chat: { jid: alice.jid },
          messageType: 'event',
          content:
            '📅 Quarterly review\n2026-05-04T17:00:00.000Z – 2026-05-04T18:30:00.000Z\nNumbers of Q1',
        },
      });
      const onPhone = await waitUntil('the phone to show the event', () =>
        sandbox.messages(alice.number).messages.find((m) => m.id === res.body.messageId),
      );
      expect(onPhone).toMatchObject({
        type: 'event',
        from: ownJid,
        event: {
          name: 'Quarterly review',
          description: 'Numbers of Q1',
          startAt: '2026-05-04T17:00:00.000Z',
          endAt: '2026-05-04T18:30:00.000Z',
          location: {
            name: 'Head office',
            address: 'Av. Paulista, 1000',
            degreesLatitude: -23.56,
            degreesLongitude: -46.65,
          },
          joinLink: 'https://meet.example.com/q-review',
          isScheduleCall: false,
          hasReminder: true,
          reminderOffsetSec: 900,
          extraGuestsAllowed: true,
          isCanceled: false,
          hasMessageSecret: true,
        },
      });
      const data = await delivered(
        'the outgoing event message',
        exchange((d) => d.id === res.body.messageId),
      );
      expect(data.message).toMatchObject({
        type: 'event',
        source: 'api',
        event: {
          name: 'Quarterly review',
          startAt: '2026-05-04T17:00:00.000Z',
          joinLink: 'https://meet.example.com/q-review',
          reminderOffsetSec: 900,
        },
      });
    });

    it.each([
      [{ name: undefined }, 'Invalid request body: name is required'],
      [{ name: '' }, 'Invalid request body: name is required'],
      [{ name: 7 }, 'Invalid request body: name must be a string'],
      [{ startAt: undefined }, 'Invalid request body: startAt is required'],
      [
        { startAt: '2026-05-04T14:00:00' },
        'Invalid request body: startAt must be an ISO 8601 date-time with a zone',
      ],
      [
        { startAt: 'tomorrow' },
        'Invalid request body: startAt must be an ISO 8601 date-time with a zone',
      ],
      [
        { endAt: '2026-05-04' },
        'Invalid request body: endAt must be an ISO 8601 date-time with a zone',
      ],
      [{ endAt: start }, 'Invalid request body: endAt must be later than startAt'],
      [
        { endAt: '2026-05-04T13:00:00-03:00' },
        'Invalid request body: endAt must be later than startAt',
      ],
      [{ description: 5 }, 'Invalid request body: description must be a string'],
      [{ location: 'office' }, 'Invalid request body: location must be an object'],
      [
        { location: { latitude: 91 } },
        'Invalid request body: latitude must not be greater than 90',
      ],
      [{ location: { name: 3 } }, 'Invalid request body: name must be a string'],
      [
        { joinLink: 'ftp://files.example.com/x' },
        'Invalid request body: joinLink must be an http(s) URL',
      ],
      [{ joinLink: 'not a url' }, 'Invalid request body: joinLink must be an http(s) URL'],
      [{ isScheduleCall: 'yes' }, 'Invalid request body: isScheduleCall must be a boolean value'],
      [{ hasReminder: 1 }, 'Invalid request body: hasReminder must be a boolean value'],
      [
        { reminderOffsetSec: -1 },
        'Invalid request body: reminderOffsetSec must be between 0 and 31536000',
      ],
      [
        { reminderOffsetSec: 31_536_001 },
        'Invalid request body: reminderOffsetSec must be between 0 and 31536000',
      ],
      [{ reminderOffsetSec: 1.5 }, 'Invalid request body: reminderOffsetSec must be an integer'],
      [
        { extraGuestsAllowed: 'no' },
        'Invalid request body: extraGuestsAllowed must be a boolean value',
      ],
      [{ isCanceled: null }, 'Invalid request body: isCanceled must be a boolean value'],
      [{ number: undefined }, 'Number is required'],
      [{ unknownField: 1 }, 'Invalid request body: property unknownField should not exist'],
    ])('refuses %j with a clear 400 and sends nothing', async (change, message) => {
      const orm = await wharf.orm();
      const before = await orm.em.fork().count(Message, { direction: 'outgoing' });
      const onPhone = sandbox.messages(alice.number).messages.length;
      const res = await api.post('/api/message/event/compat', {
        token: ta,
        body: { ...full, ...change },
      });
      expect([res.status, res.body.error?.message]).toEqual([400, message]);
      expect(await orm.em.fork().count(Message, { direction: 'outgoing' })).toBe(before);
      expect(sandbox.messages(alice.number).messages.length).toBe(onPhone);
    });
  });
});
