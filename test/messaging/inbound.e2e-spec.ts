import { EventLog } from '@wharf/modules/events/entities/event-log.entity';

import { Api } from '../support/http';
import {
  allEvents,
  type LinkedInstance,
  type Sandbox,
  startLinkedInstance,
} from '../support/sessions';
import { waitUntil } from '../support/wait';
import { type WharfHandle } from '../support/wharf';

describe('inbound messages and receipts (issue 4, D7)', () => {
  let sandbox: Sandbox;
  let wharf: WharfHandle;
  let api: Api;
  let ta: string;
  let instanceId: string;
  let ownJid: string;
  const alice = { number: '5511944400001', jid: '5511944400001@s.whatsapp.net' };
  const bob = { number: '5511944400002', jid: '5511944400002@s.whatsapp.net' };

  let linked: LinkedInstance;

  beforeAll(async () => {
    linked = await startLinkedInstance(
      'inbox',
      '5511944400000',
      [
        { number: alice.number, name: 'Alice' },
        { number: bob.number, name: 'Bob' },
      ],
      { autoRejectCalls: true, callRejectMessage: 'No calls, please write.' },
    );
    ({ sandbox, wharf, api, ta, instanceId, ownJid } = linked);
  });
  afterAll(() => linked?.close());

  async function exchanges(): Promise<EventLog[]> {
    return (await allEvents(wharf, instanceId)).filter((e) => e.event === 'message.exchange');
  }

  async function waitForExchange(messageId: string): Promise<Record<string, any>> {
    const event = await waitUntil(
      `message.exchange of ${messageId}`,
      async () => (await exchanges()).find((e) => e.data.id === messageId),
      15_000,
    );
    return event!.data;
  }

  it('turns a text from a phone into one message.exchange shaped as D7', async () => {
    const { messageId } = await sandbox.sendMessage(alice.number, {
      to: ownJid,
      text: 'Hello Wharf',
    });
    const data = await waitForExchange(messageId);
    expect(data).toMatchObject({
      id: messageId,
      direction: 'incoming',
      fromMe: false,
      timestamp: expect.stringMatching(/Z$/),
      chat: { jid: alice.jid, type: 'private' },
      sender: { jid: alice.jid },
      recipient: { jid: ownJid },
      message: {
        id: messageId,
        direction: 'incoming',
        type: 'text',
        content: 'Hello Wharf',
        source: '',
        isEdit: false,
        media: null,
        location: null,
        contact: null,
        reaction: null,
        poll: null,
      },
    });
    expect((await exchanges()).filter((e) => e.data.id === messageId)).toHaveLength(1);

    const stored = await api.get(`/api/chat/getMessage/inbox?messageId=${messageId}`, {
      token: ta,
    });
    expect(stored.body).toEqual({
      success: true,
      message: 'Message found',
      messageId,
      data: {
        content: 'Hello Wharf',
        type: 'text',
        from: alice.jid,
        to: ownJid,
        chat: alice.jid,
        timestamp: data.timestamp,
        isGroup: false,
        status: 'delivered',
      },
      status: 'found',
    });
    const status = await api.get(`/api/chat/status/inbox?messageId=${messageId}`, { token: ta });
    expect(status.body).toMatchObject({
      success: true,
      message: 'Message status retrieved successfully',
      status: 'received',
      status_code: 3,
      direction: 'received',
      chat_jid: alice.jid,
    });
  });

  it.each([
    [
      'location',
      { location: { degreesLatitude: -23.55, degreesLongitude: -46.63, name: 'Paulista' } },
      { location: { latitude: -23.55, longitude: -46.63, name: 'Paulista' } },
    ],
    [
      'contact',
      {
        contacts: [
          {
            displayName: 'Ana',
            vcard:
              'BEGIN:VCARD\nVERSION:3.0\nFN:Ana\nTEL;type=CELL;waid=5511900001111:+55 11 90000-1111\nEND:VCARD',
          },
        ],
      },
      { contact: [{ displayName: 'Ana' }] },
    ],
    [
      'poll',
      { poll: { name: 'Lunch?', options: ['Pizza', 'Sushi'], selectableCount: 1 } },
      { poll: { name: 'Lunch?', options: ['Pizza', 'Sushi'], selectableCount: 1 } },
    ],
  ])('maps an incoming %s', async (type, body, block) => {
    const { messageId } = await sandbox.sendMessage(alice.number, { to: ownJid, ...body });
    const data = await waitForExchange(messageId);
    expect(data.message.type).toBe(type);
    expect(data.message).toMatchObject(block);
  });

  it('maps replies, reactions, edits and revokes', async () => {
    const { messageId: original } = await sandbox.sendMessage(alice.number, {
      to: ownJid,
      text: 'first version',
    });
    await waitForExchange(original);
    const { messageId: reply } = await sandbox.sendMessage(alice.number, {
      to: ownJid,
      text: 'a reply',
      replyTo: original,
    });
    expect((await waitForExchange(reply)).message.context).toMatchObject({
      quotedMessageId: original,
    });
    const { messageId: reaction } = await sandbox.sendMessage(alice.number, {
      to: ownJid,
      reaction: { messageId: original, emoji: '👍' },
    });
    expect((await waitForExchange(reaction)).message).toMatchObject({
      type: 'reaction',
      reaction: { messageId: original, emoji: '👍' },
    });
    const { messageId: edit } = await sandbox.sendMessage(alice.number, {
      to: ownJid,
      edit: { messageId: original, text: 'second version' },
    });
    expect((await waitForExchange(edit)).message).toMatchObject({
      type: 'message_edit',
      isEdit: true,
      content: 'second version',
      edit: { originalId: original },
    });
    const { messageId: revoke } = await sandbox.sendMessage(alice.number, {
      to: ownJid,
      revoke: { messageId: original },
    });
    // D25: a revoke's data.id is the revoked message's id; its own id is message.revokeId.
    const revoked = await waitUntil(
      `message.exchange of ${revoke}`,
      async () =>
        (await exchanges()).find(
          (e) => (e.data.message as Record<string, unknown>).revokeId === revoke,
        ),
      15_000,
    );
    expect((revoked!.data.message as Record<string, unknown>).type).toBe('message_revoke');
  });

  it('carries group messages with the group chat and the sender', async () => {
    const group = sandbox.createGroup(alice.number, 'Team', [bob.number, '5511944400000']);
    const { messageId } = await sandbox.sendMessage(bob.number, { to: group.jid, text: 'hi team' });
    const data = await waitForExchange(messageId);
    expect(data).toMatchObject({
      chat: { jid: group.jid, type: 'group' },
      sender: { jid: bob.jid },
      message: { content: 'hi team' },
    });
  });

  it('sends the callRejectMessage to a caller whose call was rejected', async () => {
    sandbox.call(bob.number, ownJid);
    await waitUntil('the call to be rejected', () =>
      sandbox.listCalls(bob.number).some((c) => c.status === 'rejected'),
    );
    await waitUntil('the reject message on the caller phone', async () => {
      const received = sandbox.messages(bob.number);
      return received.messages.some((m) => m.text === 'No calls, please write.');
    });
  });

  it('skips group messages when ignoreGroupMessages is on', async () => {
    await api.post('/api/instance/settings/inbox', {
      token: ta,
      body: { ignoreGroupMessages: true },
    });
    const group = sandbox.createGroup(alice.number, 'Muted', ['5511944400000']);
    const { messageId: ignored } = await sandbox.sendMessage(alice.number, {
      to: group.jid,
      text: 'not for you',
    });
    const { messageId: kept } = await sandbox.sendMessage(alice.number, {
      to: ownJid,
      text: 'but this is',
    });
    await waitForExchange(kept);
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect((await exchanges()).some((e) => e.data.id === ignored)).toBe(false);
    expect(
      (await api.get(`/api/chat/getMessage/inbox?messageId=${ignored}`, { token: ta })).status,
    ).toBe(404);
  });

  it('sends read receipts for received messages when autoReadMessages is on', async () => {
    const { messageId: unread } = await sandbox.sendMessage(alice.number, {
      to: ownJid,
      text: 'stays unread',
    });
    await waitForExchange(unread);
    await api.post('/api/instance/settings/inbox', { token: ta, body: { autoReadMessages: true } });
    const { messageId: read } = await sandbox.sendMessage(alice.number, {
      to: ownJid,
      text: 'read me',
    });
    await waitUntil('the read receipt on the phone', () =>
      sandbox
        .messages(alice.number)
        .receipts.some((r) => r.messageId === read && r.status === 'read'),
    );
    expect(
      sandbox
        .messages(alice.number)
        .receipts.some((r) => r.messageId === unread && r.status === 'read'),
    ).toBe(false);
    await api.post('/api/instance/settings/inbox', { token: ta, body: { autoReadMessages: false } });
  });

  it('answers the message-store literals for bad lookups', async () => {
    const missing = await api.get('/api/chat/getMessage/inbox', { token: ta });
    expect(missing.body).toEqual({
      success: false,
      error: {
        message: 'Message ID is required (use ?messageId=<message-id>)',
        code: 'MESSAGE_ID_REQUIRED',
      },
    });
    const missingStatus = await api.get('/api/chat/status/inbox', { token: ta });
    expect(missingStatus.body.error.message).toBe('messageId query parameter is required');
    const unknown = await api.get('/api/chat/getMessage/inbox?messageId=NOPE', { token: ta });
    expect([unknown.status, unknown.body.error.message]).toEqual([404, 'Message not found']);
  });
});
