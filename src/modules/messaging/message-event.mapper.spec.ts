import type { InboundMessage } from '@wharf/whatsapp';

import { addressPair, chatTypeOf, toExchangeData, toStatusData } from './message-event.mapper';

const base: InboundMessage = {
  id: '3EB0C767D26A1B2C3D4E',
  chatJid: '5511999999999@s.whatsapp.net',
  chatJidAlt: '199789077627112@lid',
  senderJid: '5511999999999@s.whatsapp.net',
  senderJidAlt: '199789077627112@lid',
  fromMe: false,
  pushName: 'João Silva',
  timestamp: new Date('2026-04-28T10:30:00.000Z'),
  type: 'text',
  content: 'Hello',
  isForwarded: false,
  context: null,
  media: null,
  location: null,
  contacts: null,
  reaction: null,
  poll: null,
  pollUpdate: null,
  edit: null,
  revoke: null,
  interactive: null,
  raw: {},
};

describe('message event payloads (D7)', () => {
  it('builds the D7 example of an incoming text exactly', () => {
    expect(
      toExchangeData(base, {
        direction: 'incoming',
        source: '',
        ownJid: '5511888888888@s.whatsapp.net',
        chatName: 'João Silva',
      }),
    ).toEqual({
      id: '3EB0C767D26A1B2C3D4E',
      direction: 'incoming',
      fromMe: false,
      timestamp: '2026-04-28T10:30:00.000Z',
      chat: {
        jid: '5511999999999@s.whatsapp.net',
        lid: '199789077627112@lid',
        name: 'João Silva',
        type: 'private',
      },
      sender: {
        jid: '5511999999999@s.whatsapp.net',
        lid: '199789077627112@lid',
        name: 'João Silva',
      },
      recipient: { jid: '5511888888888@s.whatsapp.net' },
      message: {
        id: '3EB0C767D26A1B2C3D4E',
        direction: 'incoming',
        type: 'text',
        content: 'Hello',
        source: '',
        isForwarded: false,
        isEdit: false,
        edit: null,
        context: null,
        media: null,
        location: null,
        contact: null,
        reaction: null,
        interactive: null,
        poll: null,
        pollUpdate: null,
      },
    });
  });

  it('marks groups, communities and edits', () => {
    const data = toExchangeData(
      {
        ...base,
        chatJid: '120363406289005073@g.us',
        chatJidAlt: null,
        type: 'message_edit',
        content: 'new',
        edit: { originalId: 'OLD', newContent: 'new' },
      },
      { direction: 'incoming', source: '', ownJid: null, groupName: 'Team', isCommunity: true },
    ) as any;
    expect(data.chat).toMatchObject({
      jid: '120363406289005073@g.us',
      type: 'group',
      groupName: 'Team',
      isCommunity: true,
    });
    expect(data.message).toMatchObject({
      isEdit: true,
      edit: { originalId: 'OLD', previousContent: null },
    });
  });

  it('addresses outgoing messages to the chat and carries the source', () => {
    const data = toExchangeData(
      { ...base, fromMe: true, senderJid: '5511888888888@s.whatsapp.net', senderJidAlt: null },
      { direction: 'outgoing', source: 'crm', ownJid: '5511888888888@s.whatsapp.net' },
    ) as any;
    expect(data).toMatchObject({
      direction: 'outgoing',
      fromMe: true,
      recipient: { jid: '5511999999999@s.whatsapp.net' },
      message: { source: 'crm', direction: 'outgoing' },
    });
  });

  it('pairs phone and LID forms whichever comes first', () => {
    expect(addressPair('199789077627112@lid', '5511999999999@s.whatsapp.net')).toEqual({
      jid: '5511999999999@s.whatsapp.net',
      lid: '199789077627112@lid',
    });
    expect(addressPair('5511999999999@s.whatsapp.net', null)).toEqual({
      jid: '5511999999999@s.whatsapp.net',
    });
    expect(chatTypeOf('1203@newsletter')).toBe('newsletter');
  });

  it('builds message.status with the catalogue-style message block', () => {
    const data = toStatusData(
      {
        messageIds: ['A', 'B'],
        chatJid: '120363406289005073@g.us',
        participant: '5511777777777@s.whatsapp.net',
        status: 'read',
        timestamp: new Date('2026-04-28T10:31:00.000Z'),
      },
      '5511888888888@s.whatsapp.net',
    );
    expect(data).toEqual({
      messageIds: ['A', 'B'],
      status: 'read',
      chat: { jid: '120363406289005073@g.us', type: 'group' },
      recipient: { jid: '5511777777777@s.whatsapp.net' },
      sender: { jid: '5511888888888@s.whatsapp.net' },
      messageSender: '5511888888888@s.whatsapp.net',
      timestamp: '2026-04-28T10:31:00.000Z',
      message: { id: 'A', status: 'read' },
    });
  });
  it('carries the decrypted options of a poll vote (D7 pollUpdate)', () => {
    const vote = { ...base, type: 'poll_update' as const, pollUpdate: { pollMessageId: 'POLL1' } };
    const data = toExchangeData(vote, {
      direction: 'incoming',
      source: '',
      ownJid: null,
      pollVote: { selectedOptions: ['Vanilla'] },
    }) as { message: { pollUpdate: unknown } };
    expect(data.message.pollUpdate).toEqual({
      pollMessageId: 'POLL1',
      voter: '5511999999999@s.whatsapp.net',
      selectedOptions: ['Vanilla'],
    });
  });
});
