import type { InboundMessage } from '@wharf/whatsapp';

import {
  bareMessageJids,
  toExchangeData,
  toStatusData,
  withExchangeCopies,
  withStatusCopies,
} from './message-event.mapper';

const own = '5511888888888@s.whatsapp.net';
const alice = '5511999999999@s.whatsapp.net';
const base: InboundMessage = {
  id: '3EB0C767D26A1B2C3D4E',
  chatJid: alice,
  chatJidAlt: null,
  senderJid: alice,
  senderJidAlt: null,
  fromMe: false,
  pushName: 'Alice',
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
const incoming = { direction: 'incoming' as const, source: '', ownJid: own };
type Data = Record<string, any>;

describe('D25 copies of message.exchange', () => {
  it('copies the catalogue fields into data.message and keeps every D7 field', () => {
    const d7 = toExchangeData(base, incoming);
    const data: Data = withExchangeCopies(d7);
    expect(data).toMatchObject(d7);
    expect(data.message).toMatchObject({
      id: base.id,
      content: 'Hello',
      text: 'Hello',
      timestamp: '2026-04-28T10:30:00.000Z',
      chat: data.chat,
      sender: data.sender,
      remoteJid: alice,
      from: alice,
      to: own,
    });
    expect(data.reply).toBeUndefined();
    expect(data.mentions).toBeUndefined();
  });

  it('addresses an outgoing message to the chat', () => {
    const data: Data = withExchangeCopies(
      toExchangeData(
        { ...base, fromMe: true, senderJid: own },
        { ...incoming, direction: 'outgoing' },
      ),
    );
    expect(data.message).toMatchObject({ from: own, to: alice, remoteJid: alice });
  });

  it('has no text for types without text', () => {
    for (const [type, content] of [
      ['audio', ''],
      ['reaction', '👍'],
      ['message_revoke', ''],
    ] as const) {
      const data: Data = withExchangeCopies(toExchangeData({ ...base, type, content }, incoming));
      expect(data.message).not.toHaveProperty('text');
    }
    const caption: Data = withExchangeCopies(
      toExchangeData({ ...base, type: 'image', content: 'a caption' }, incoming),
    );
    expect(caption.message.text).toBe('a caption');
  });

  it('adds data.reply and data.mentions', () => {
    const data: Data = withExchangeCopies(
      toExchangeData(
        {
          ...base,
          context: {
            quotedMessageId: 'QUOTED',
            quotedContent: 'the original',
            quotedSender: own,
            mentions: ['5511777777777@s.whatsapp.net'],
          },
        },
        incoming,
      ),
    );
    expect(data.reply).toEqual({ message_id: 'QUOTED', text: 'the original', sender: own });
    expect(data.mentions).toEqual({ mentionedUsers: ['5511777777777@s.whatsapp.net'] });
    expect(data.message.context.quotedMessageId).toBe('QUOTED');
  });

  it('names the original and the new text of an edit', () => {
    const data: Data = withExchangeCopies(
      toExchangeData(
        {
          ...base,
          id: 'EDIT',
          type: 'message_edit',
          content: 'second version',
          edit: { originalId: 'ORIGINAL', newContent: 'second version' },
        },
        incoming,
      ),
    );
    expect(data.message.edit).toEqual({
      originalId: 'ORIGINAL',
      previousContent: null,
      original_id: 'ORIGINAL',
      text: 'second version',
    });
    expect(data.message).toMatchObject({ isEdit: true, content: 'second version' });
  });

  it('gives a revoke the revoked id, keeping its own as revokeId', () => {
    const data: Data = withExchangeCopies(
      toExchangeData(
        {
          ...base,
          id: 'REVOKE',
          type: 'message_revoke',
          content: '',
          revoke: { messageId: 'GONE' },
        },
        incoming,
      ),
      { revokedId: 'GONE' },
    );
    expect(data.id).toBe('GONE');
    expect(data.message).toMatchObject({
      id: 'GONE',
      revokeId: 'REVOKE',
      type: 'message_revoke',
      edit: { originalId: 'GONE', original_id: 'GONE' },
    });
  });

  it('carries an event block for event messages', () => {
    const event = {
      eventMessageId: null,
      name: 'Review',
      description: null,
      startAt: '2026-05-04T17:00:00.000Z',
      endAt: null,
      location: null,
      joinLink: null,
      isScheduleCall: false,
      hasReminder: false,
      reminderOffsetSec: null,
      extraGuestsAllowed: false,
      isCanceled: false,
    };
    const data: Data = withExchangeCopies(
      toExchangeData({ ...base, type: 'event', content: '📅 Review' }, incoming),
      { event },
    );
    expect(data.message).toMatchObject({ type: 'event', event, text: '📅 Review' });
  });

  it('does not modify its input', () => {
    const d7 = toExchangeData(base, incoming);
    const before = JSON.stringify(d7);
    withExchangeCopies(d7, { revokedId: 'X' });
    expect(JSON.stringify(d7)).toBe(before);
  });
});

describe('D25 copies of message.status', () => {
  const receipt = {
    messageIds: ['ID1', 'ID2'],
    chatJid: alice,
    participant: null,
    status: 'read' as const,
    timestamp: new Date('2026-04-28T10:31:00.000Z'),
  };

  it('adds data.id, a recipient string and message.direction', () => {
    const data: Data = withStatusCopies(toStatusData(receipt, own));
    expect(data).toMatchObject({
      id: 'ID1',
      messageIds: ['ID1', 'ID2'],
      recipient: alice,
      status: 'read',
      message: { id: 'ID1', status: 'read', direction: 'outgoing' },
    });
    expect(
      (withStatusCopies(toStatusData({ ...receipt, status: 'read_self' }, own)) as Data).message
        .direction,
    ).toBe('incoming');
  });
});

describe('bare JIDs of an inbound message (D25)', () => {
  it('drops the device part of every address', () => {
    const message = bareMessageJids({
      ...base,
      fromMe: true,
      chatJid: '5511999999999@s.whatsapp.net',
      senderJid: '5511888888888:1@s.whatsapp.net',
      senderJidAlt: '1997:1@lid',
      context: {
        quotedMessageId: 'Q',
        quotedContent: null,
        quotedSender: '5511999999999:2@s.whatsapp.net',
        mentions: ['5511777777777:4@s.whatsapp.net'],
      },
    });
    expect(message).toMatchObject({
      senderJid: own,
      senderJidAlt: '1997@lid',
      context: {
        quotedSender: alice,
        mentions: ['5511777777777@s.whatsapp.net'],
      },
    });
  });
});
