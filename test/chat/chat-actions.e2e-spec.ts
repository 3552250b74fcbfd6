/**
 * The message-action chat routes of docs/API.md §3.3 — forward, edit, pinMessage, markRead,
 * presence, block — proven by what the other side's phone observes (a real Baileys primary in
 * the sandbox), on a two-process cluster: most calls go to the process that does NOT own the
 * session (D20), so each facet's operation (`messages.*` through the send path and
 * `messages.read`, `presence.setInChat`, `privacy.*`) crosses the Redis relay; a few go to the
 * owner. Bad input answers the spec's literal and nothing reaches the phone.
 */
import { createThrowawayDatabase, type ThrowawayDatabase } from '../../scripts/db-tools';
import { createAccount, createInstance } from '../support/fixtures';
import { Api, errorBody } from '../support/http';
import {
  allEvents,
  linkByQr,
  type Sandbox,
  sandboxEnv,
  startTestSandbox,
} from '../support/sessions';
import { waitUntil } from '../support/wait';
import { startWharf, TEST_DIALECT, type WharfHandle } from '../support/wharf';

describe('chat message actions (docs/API.md §3.3)', () => {
  let sandbox: Sandbox;
  let db: ThrowawayDatabase;
  let owner: WharfHandle;
  let other: WharfHandle;
  /** The process that does not own the session. */
  let api: Api;
  /** The owner process. */
  let ownerApi: Api;
  let ta: string;
  let instanceId: string;
  let ownJid: string;
  let ownLid: string;
  const own = '5511955500000';
  const dan = { number: '5511955500001', jid: '5511955500001@s.whatsapp.net' };
  const eve = { number: '5511955500002', jid: '5511955500002@s.whatsapp.net' };
  const path = (route: string) => `/api/chat/${route}/actions`;

  beforeAll(async () => {
    sandbox = await startTestSandbox();
    db = await createThrowawayDatabase(TEST_DIALECT, 'wharf_actions');
    const env = sandboxEnv(sandbox);
    owner = await startWharf({ db, env });
    const { ADMIN_TOKEN, ENCRYPTION_KEY, REDIS_KEY_PREFIX } = owner.env;
    ta = (await createAccount(owner, 'Actions')).token;
    instanceId = (await createInstance(owner, ta, 'actions')).id;
    ownLid = sandbox.createPhone(own, 'Actions').lid;
    sandbox.createPhone(dan.number, 'Dan');
    sandbox.createPhone(eve.number, 'Eve');
    ownerApi = new Api(owner.url);
    ownJid = (await linkByQr(ownerApi, sandbox, ta, 'actions', own)).numberJid as string;
    other = await startWharf({
      db,
      env: { ...env, ADMIN_TOKEN, ENCRYPTION_KEY, REDIS_KEY_PREFIX },
    });
    api = new Api(other.url);
  });
  afterAll(async () => {
    await other?.close();
    await owner?.close();
    await sandbox?.close();
    await db?.drop();
  });

  /** The instance's `message.exchange` data of `messageId` (waits for it). */
  async function exchange(messageId: string, type?: string): Promise<Record<string, any>> {
    const event = await waitUntil(`message.exchange of ${messageId}`, async () =>
      (await allEvents(owner, instanceId)).find(
        (e) =>
          e.event === 'message.exchange' &&
          e.data.id === messageId &&
          (!type || (e.data as any).message.type === type),
      ),
    );
    return event!.data;
  }

  /** A message `from` sends to the instance, once Wharf stored and published it. */
  async function incoming(from: string, message: Record<string, unknown>): Promise<string> {
    const { messageId } = await sandbox.sendMessage(from, { to: ownJid, ...message });
    await exchange(messageId);
    return messageId;
  }

  /** Messages `number`'s phone received in its chat with the instance. */
  const received = (number: string) => sandbox.messages(number, ownJid).messages;

  describe('forward', () => {
    it('forwards a received text to another contact, marked forwarded (non-owner process)', async () => {
      const original = await incoming(dan.number, { text: 'worth sharing' });
      const res = await api.post(path('forward'), {
        token: ta,
        body: { messageId: original, to: eve.number },
      });
      expect(res.status).toBe(200);
      expect(res.body).toEqual({
        success: true,
        message: 'Message forwarded successfully',
        messageId: expect.any(String),
        originalId: original,
        destinationJid: eve.jid,
      });
      expect(res.body.messageId).not.toBe(original);
      const seen = await waitUntil('Eve to receive the forward', () =>
        received(eve.number).find((m) => m.id === res.body.messageId),
      );
      expect(seen).toMatchObject({
        type: 'text',
        text: 'worth sharing',
        isForwarded: true,
        forwardingScore: 1,
      });
      const event = await exchange(res.body.messageId);
      expect(event).toMatchObject({
        direction: 'outgoing',
        fromMe: true,
        chat: { jid: eve.jid },
        message: { type: 'text', content: 'worth sharing', isForwarded: true, source: 'api' },
      });
    });

    it('forwards media by reference: the same file reaches the other contact', async () => {
      const bytes = Buffer.concat([Buffer.from('%PDF-1.4\n'), Buffer.alloc(2048, 3)]);
      const original = await incoming(dan.number, {
        document: {
          data: bytes.toString('base64'),
          mimetype: 'application/pdf',
          fileName: 'q.pdf',
        },
      });
      const res = await ownerApi.post(path('forward'), {
        token: ta,
        body: { messageId: original, to: eve.jid },
      });
      expect(res.status).toBe(200);
      const seen = await waitUntil('Eve to receive the forwarded document', () =>
        received(eve.number).find((m) => m.id === res.body.messageId),
      );
      expect(seen).toMatchObject({
        type: 'document',
        isForwarded: true,
        media: { mimetype: 'application/pdf', fileName: 'q.pdf', fileLength: bytes.length },
      });
      const file = await sandbox.media(eve.number, res.body.messageId);
      expect(Buffer.from(file.base64, 'base64').equals(bytes)).toBe(true);
    });

    it('answers the spec literals for bad input and sends nothing', async () => {
      const text = await incoming(dan.number, { text: 'react to me' });
      const reaction = await incoming(dan.number, { reaction: { messageId: text, emoji: '👍' } });
      const before = received(eve.number).length;
      const cases: Array<[Record<string, unknown>, number, string, string?]> = [
        [{ to: eve.number }, 400, 'messageId is required or to is required', 'VALIDATION_FAILED'],
        [
          { messageId: reaction },
          400,
          'messageId is required or to is required',
          'VALIDATION_FAILED',
        ],
        [
          { messageId: 'NOPE0000000000000000', to: eve.number },
          404,
          'Instance not found or message not found',
          'MESSAGE_NOT_FOUND',
        ],
        [
          { messageId: reaction, to: eve.number },
          500,
          'unsupported message type for forwarding: reaction',
          'UNSUPPORTED_MESSAGE_TYPE',
        ],
        [
          { messageId: text, to: 'not a number' },
          400,
          'Invalid phone number or JID',
          'INVALID_NUMBER',
        ],
      ];
      for (const [body, status, message, code] of cases) {
        const res = await api.post(path('forward'), { token: ta, body });
        expect([res.status, res.body]).toEqual([status, errorBody(message, code)]);
      }
      // A last good forward proves the chat works; nothing refused went before it.
      const good = await api.post(path('forward'), {
        token: ta,
        body: { messageId: await incoming(dan.number, { text: 'ok' }), to: eve.number },
      });
      await waitUntil('the good forward', () =>
        received(eve.number).some((m) => m.id === good.body.messageId),
      );
      expect(received(eve.number).length).toBe(before + 1);
    });
  });

  describe('edit', () => {
    it('edits an own text: the contact sees the new text, the event carries the old one', async () => {
      const sent = await api.post('/api/message/text/actions', {
        token: ta,
        body: { number: dan.number, message: 'Helo' },
      });
      expect(sent.status).toBe(200);
      const original = sent.body.messageId as string;
      await waitUntil('Dan to receive the text', () =>
        received(dan.number).some((m) => m.id === original),
      );
      const since = sandbox.events(dan.number, 'messages.update').lastSeq;

      const res = await api.post(path('edit'), {
        token: ta,
        body: { messageId: original, content: 'Hello' },
      });
      expect([res.status, res.body]).toEqual([
        200,
        {
          success: true,
          message: 'Message edited successfully',
          messageId: original,
          chatJid: dan.jid,
          oldContent: 'Helo',
          newContent: 'Hello',
        },
      ]);
      const edit = await waitUntil('Dan to receive the edit', () =>
        received(dan.number).find((m) => m.type === 'edit' && m.edit?.messageId === original),
      );
      expect(edit!.edit).toEqual({ messageId: original, text: 'Hello' });
      const update = await waitUntil('Dan’s phone to apply the edit', () =>
        sandbox
          .events(dan.number, 'messages.update', since)
          .events.find((e) => JSON.stringify(e.data).includes('editedMessage')),
      );
      expect(JSON.stringify(update!.data)).toContain(original);
      const event = await exchange(edit!.id, 'message_edit');
      expect(event.message).toMatchObject({
        type: 'message_edit',
        isEdit: true,
        content: 'Hello',
        edit: {
          originalId: original,
          original_id: original,
          text: 'Hello',
          previousContent: 'Helo',
        },
      });

      // The store keeps the new text: a second edit reports it as the old content.
      const again = await ownerApi.post(path('edit'), {
        token: ta,
        body: { messageId: original, content: 'Hello!' },
      });
      expect(again.body).toMatchObject({ oldContent: 'Hello', newContent: 'Hello!' });
      await waitUntil('Dan to receive the second edit', () =>
        received(dan.number).some((m) => m.type === 'edit' && m.edit?.text === 'Hello!'),
      );
    });

    it('refuses someone else’s message, unknown ids and missing fields, sending nothing', async () => {
      const theirs = await incoming(dan.number, { text: 'not yours to edit' });
      const before = received(dan.number).length;
      const cases: Array<[Record<string, unknown>, number, string, string]> = [
        [
          { messageId: theirs, content: 'x' },
          400,
          'message contains too old to edit or can only edit',
          'MESSAGE_NOT_EDITABLE',
        ],
        [
          { messageId: 'NOPE0000000000000000', content: 'x' },
          404,
          'Instance not found or message not found',
          'MESSAGE_NOT_FOUND',
        ],
        [{ content: 'x' }, 400, 'messageId is required', 'VALIDATION_FAILED'],
        [{ messageId: theirs }, 400, 'content is required', 'VALIDATION_FAILED'],
        [{ messageId: theirs, content: '' }, 400, 'content is required', 'VALIDATION_FAILED'],
      ];
      for (const [body, status, message, code] of cases) {
        const res = await api.post(path('edit'), { token: ta, body });
        expect([res.status, res.body]).toEqual([status, errorBody(message, code)]);
      }
      const probe = await api.post('/api/message/text/actions', {
        token: ta,
        body: { number: dan.number, message: 'probe after refusals' },
      });
      await waitUntil('the probe', () =>
        received(dan.number).some((m) => m.id === probe.body.messageId),
      );
      expect(received(dan.number).length).toBe(before + 1);
    });
  });

  describe('pinMessage', () => {
    it('pins for 30 days and unpins: the contact’s phone receives both', async () => {
      const target = await incoming(dan.number, { text: 'pin me' });
      const pin = await api.post(path('pinMessage'), {
        token: ta,
        body: { messageId: target, pin: true, duration: '30d' },
      });
      expect([pin.status, pin.body]).toEqual([
        200,
        {
          success: true,
          message: 'Message pinned successfully',
          chat_jid: dan.jid,
          message_id: target,
          pinned: true,
          duration: '30d',
        },
      ]);
      const pinned = await waitUntil('Dan to receive the pin', () =>
        received(dan.number).find((m) => m.type === 'pin' && m.pin?.messageId === target),
      );
      expect(pinned!.pin).toEqual({ messageId: target, action: 'pin', seconds: 2_592_000 });

      const unpin = await ownerApi.post(path('pinMessage'), {
        token: ta,
        body: { messageId: target, pin: false, duration: '7d' },
      });
      expect(unpin.body).toEqual({
        success: true,
        message: 'Message unpinned successfully',
        chat_jid: dan.jid,
        message_id: target,
        pinned: false,
      });
      await waitUntil('Dan to receive the unpin', () =>
        received(dan.number).some(
          (m) => m.type === 'pin' && m.pin?.action === 'unpin' && m.pin.messageId === target,
        ),
      );
    });

    it('refuses unknown ids and durations WhatsApp does not offer', async () => {
      const before = received(dan.number).length;
      const missing = await api.post(path('pinMessage'), {
        token: ta,
        body: { messageId: 'NOPE0000000000000001' },
      });
      expect([missing.status, missing.body]).toEqual([
        404,
        errorBody('message with ID NOPE0000000000000001 not found', 'MESSAGE_NOT_FOUND'),
      ]);
      const target = await incoming(dan.number, { text: 'pin me badly' });
      const bad = await api.post(path('pinMessage'), {
        token: ta,
        body: { messageId: target, duration: '5d' },
      });
      expect([bad.status, bad.body.error.message]).toEqual([
        400,
        "Invalid request body: duration must be '24h', '7d' or '30d'",
      ]);
      const noId = await api.post(path('pinMessage'), { token: ta, body: { pin: true } });
      expect([noId.status, noId.body.error.message]).toEqual([400, 'messageId is required']);
      expect(
        received(dan.number).filter((m) => m.type === 'pin' && m.pin?.messageId === target),
      ).toEqual([]);
      expect(received(dan.number).length).toBe(before);
    });
  });

  describe('markRead', () => {
    it('sends the read receipt of a received message to its sender (non-owner process)', async () => {
      const target = await incoming(eve.number, { text: 'read me' });
      expect(
        sandbox
          .messages(eve.number)
          .receipts.filter((r) => r.messageId === target && r.status === 'read'),
      ).toEqual([]);
      const res = await api.post(path('markRead'), {
        token: ta,
        body: { messageId: target, number: eve.number },
      });
      expect([res.status, res.body]).toEqual([
        200,
        {
          success: true,
          message: 'Message marked as read successfully',
          message_id: target,
          chat_jid: eve.jid,
        },
      ]);
      await waitUntil('Eve to get the read receipt', () =>
        sandbox
          .messages(eve.number)
          .receipts.some((r) => r.messageId === target && r.status === 'read'),
      );
    });

    it('answers the spec literals for bad input', async () => {
      const cases: Array<[Record<string, unknown>, number, string, string]> = [
        [{ number: eve.number }, 400, 'messageId is required', 'VALIDATION_FAILED'],
        [{ messageId: 'X1' }, 400, 'Number is required', 'VALIDATION_FAILED'],
        [
          { messageId: 'X1', number: '120363000000000001@g.us' },
          400,
          'sender is required for group messages',
          'SENDER_REQUIRED',
        ],
        [{ messageId: 'X1', number: 'abc' }, 400, 'Invalid phone number or JID', 'INVALID_NUMBER'],
      ];
      for (const [body, status, message, code] of cases) {
        const res = await api.post(path('markRead'), { token: ta, body });
        expect([res.status, res.body]).toEqual([status, errorBody(message, code)]);
      }
    });
  });

  describe('in a group', () => {
    it('reads and pins a member’s group message with its author from the store', async () => {
      const group = sandbox.createGroup(dan.number, 'Actions crew', [own, eve.number]);
      const { messageId } = await sandbox.sendMessage(dan.number, {
        to: group.jid,
        text: 'group news',
      });
      await exchange(messageId);

      const read = await api.post(path('markRead'), {
        token: ta,
        body: { messageId, number: group.jid, sender: dan.number },
      });
      expect([read.status, read.body]).toEqual([
        200,
        {
          success: true,
          message: 'Message marked as read successfully',
          message_id: messageId,
          chat_jid: group.jid,
        },
      ]);
      await waitUntil('Dan to get the group read receipt', () =>
        sandbox
          .messages(dan.number, group.jid)
          .receipts.some((r) => r.messageId === messageId && r.status === 'read'),
      );

      const pin = await api.post(path('pinMessage'), {
        token: ta,
        body: { messageId, duration: '24h' },
      });
      expect(pin.body).toMatchObject({ chat_jid: group.jid, pinned: true, duration: '24h' });
      for (const member of [dan.number, eve.number]) {
        const seen = await waitUntil(`${member} to see the pin`, () =>
          sandbox
            .messages(member, group.jid)
            .messages.find((m) => m.type === 'pin' && m.pin?.messageId === messageId),
        );
        expect(seen!.pin).toEqual({ messageId, action: 'pin', seconds: 86_400 });
      }
    });
  });

  describe('presence', () => {
    /**
     * The chat states `number`'s phone saw from the instance (its PN or LID) after `since`, in
     * order; Baileys reports `<paused/>` as `available`.
     */
    const statesSeen = (number: string, since: number): string[] =>
      sandbox
        .events(number, 'presence.update', since)
        .events.map(
          (e) => e.data as { id: string; presences: Record<string, { lastKnownPresence: string }> },
        )
        .filter((update) => update.id === ownJid || update.id === ownLid)
        .flatMap((update) => Object.values(update.presences).map((p) => p.lastKnownPresence));

    it('shows typing, then pauses by itself after `duration` (non-owner process)', async () => {
      const since = sandbox.events(dan.number).lastSeq;
      const res = await api.post(path('presence'), {
        token: ta,
        body: { number: dan.number, state: 'TYPING', duration: 1 },
      });
      expect([res.status, res.body]).toEqual([
        200,
        {
          success: true,
          message: 'Presence sent successfully; pause follows in 1 seconds',
          chat_jid: dan.jid,
          state: 'typing',
          duration: 1,
        },
      ]);
      await waitUntil(
        'Dan to see typing then the automatic pause',
        () => statesSeen(dan.number, since).join() === 'composing,available',
      );
    });

    it('shows recording and stops on pause (owner process)', async () => {
      const since = sandbox.events(dan.number).lastSeq;
      const rec = await ownerApi.post(path('presence'), {
        token: ta,
        body: { number: dan.jid, state: 'recording' },
      });
      expect(rec.body).toEqual({
        success: true,
        message: 'Presence sent successfully',
        chat_jid: dan.jid,
        state: 'recording',
      });
      await waitUntil('Dan to see recording', () =>
        statesSeen(dan.number, since).includes('recording'),
      );
      const pause = await api.post(path('presence'), {
        token: ta,
        body: { number: dan.number, state: 'pause', duration: 30 },
      });
      expect(pause.body).toMatchObject({ state: 'paused', message: 'Presence sent successfully' });
      expect(pause.body.duration).toBeUndefined();
      await waitUntil(
        'Dan to see the pause',
        () => statesSeen(dan.number, since).join() === 'recording,available',
      );
    });

    it('answers the spec literals for bad input', async () => {
      const cases: Array<[Record<string, unknown>, string, string]> = [
        [
          { number: dan.number },
          "State is required. Use 'typing', 'recording', or 'pause'",
          'VALIDATION_FAILED',
        ],
        [
          { number: dan.number, state: 'dancing' },
          "Invalid state. Use 'typing', 'recording', or 'pause'",
          'INVALID_STATE',
        ],
        [{ state: 'typing' }, 'Number is required', 'VALIDATION_FAILED'],
      ];
      for (const [body, message, code] of cases) {
        const res = await api.post(path('presence'), { token: ta, body });
        expect([res.status, res.body]).toEqual([400, errorBody(message, code)]);
      }
    });
  });

  describe('block', () => {
    it('blocks a contact (non-owner process): the blocklist lists it and its messages stop; unblock restores them', async () => {
      const since = sandbox.events(own, 'blocklist.update').lastSeq;
      const res = await api.post(path('block'), { token: ta, body: { number: eve.number } });
      expect([res.status, res.body]).toEqual([
        200,
        {
          success: true,
          message: 'Contact blocked successfully',
          contact_jid: eve.jid,
          blocked_count: 1,
          blocked: true,
        },
      ]);
      expect(sandbox.blocklist(own).blocklist).toEqual([expect.objectContaining({ pn: eve.jid })]);
      // The account's phone hears of the block made on the linked device.
      await waitUntil(
        'the phone to record the block',
        () => sandbox.events(own, 'blocklist.update', since).events.length > 0,
      );
      const { messageId: dropped } = await sandbox.sendMessage(eve.number, {
        to: ownJid,
        text: 'you blocked me',
      });

      const unblock = await ownerApi.post(path('block'), {
        token: ta,
        body: { number: eve.jid, block: false },
      });
      expect(unblock.body).toEqual({
        success: true,
        message: 'Contact unblocked successfully',
        contact_jid: eve.jid,
        blocked_count: 0,
        blocked: false,
      });
      expect(sandbox.blocklist(own).blocklist).toEqual([]);
      const after = await incoming(eve.number, { text: 'back again' });
      // Eve's messages arrive in order: the one sent while blocked would have come first.
      const events = await allEvents(owner, instanceId);
      expect(events.some((e) => e.event === 'message.exchange' && e.data.id === after)).toBe(true);
      expect(events.some((e) => e.event === 'message.exchange' && e.data.id === dropped)).toBe(
        false,
      );
    });

    it('answers the spec literals for bad input', async () => {
      const res = await api.post(path('block'), { token: ta, body: { block: true } });
      expect([res.status, res.body]).toEqual([
        400,
        errorBody('Number is required', 'VALIDATION_FAILED'),
      ]);
      const group = await api.post(path('block'), {
        token: ta,
        body: { number: '120363000000000001@g.us' },
      });
      expect([group.status, group.body]).toEqual([
        400,
        errorBody('Invalid phone number or JID', 'INVALID_NUMBER'),
      ]);
    });
  });

  it('answers 503 on either process once the session is gone', async () => {
    const logout = await ownerApi.delete('/api/instance/logout/actions', { token: ta });
    expect(logout.status).toBe(200);
    for (const [route, body] of [
      ['presence', { number: dan.number, state: 'typing' }],
      ['markRead', { messageId: 'X1', number: dan.number }],
      ['block', { number: dan.number }],
    ] as const) {
      for (const client of [api, ownerApi]) {
        const res = await client.post(path(route), { token: ta, body });
        expect([route, res.status, res.body]).toEqual([
          route,
          503,
          errorBody('Instance is not connected to WhatsApp', 'INSTANCE_NOT_CONNECTED'),
        ]);
      }
    }
  });
});
