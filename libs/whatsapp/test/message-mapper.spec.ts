import type { WAMessage } from 'baileys';

import {
  isSignallingOnly,
  receiptStatusOf,
  renderContent,
  toInboundMessage,
  unwrapContent,
} from '../src/baileys/message-mapper';

const ME = '5511900000001:2@s.whatsapp.net';

function message(
  key: Record<string, unknown>,
  content: Record<string, unknown>,
  extra: Record<string, unknown> = {},
): WAMessage {
  return {
    key: { id: 'MSG1', ...key },
    message: content,
    messageTimestamp: 1_777_777_777,
    ...extra,
  };
}

describe('message mapper (D7 types)', () => {
  it('maps a private text with its LID alternative and push name', () => {
    const mapped = toInboundMessage(
      message(
        {
          remoteJid: '5511999999999@s.whatsapp.net',
          remoteJidAlt: '199789077627112@lid',
          fromMe: false,
        },
        { conversation: 'Hello' },
        { pushName: 'João' },
      ),
      ME,
      {},
    );
    expect(mapped).toMatchObject({
      id: 'MSG1',
      chatJid: '5511999999999@s.whatsapp.net',
      chatJidAlt: '199789077627112@lid',
      senderJid: '5511999999999@s.whatsapp.net',
      senderJidAlt: '199789077627112@lid',
      fromMe: false,
      pushName: 'João',
      type: 'text',
      content: 'Hello',
      context: null,
      timestamp: new Date(1_777_777_777_000),
    });
  });

  it('takes the participant as the sender in groups and the own JID for fromMe', () => {
    const group = toInboundMessage(
      message(
        {
          remoteJid: '120363406289005073@g.us',
          participant: '5511988887777@s.whatsapp.net',
          fromMe: false,
        },
        { conversation: 'hi all' },
      ),
      ME,
      {},
    );
    expect(group).toMatchObject({
      chatJid: '120363406289005073@g.us',
      senderJid: '5511988887777@s.whatsapp.net',
      chatJidAlt: null,
    });
    const mine = toInboundMessage(
      message(
        { remoteJid: '5511999999999@s.whatsapp.net', fromMe: true },
        { conversation: 'sent elsewhere' },
      ),
      ME,
      {},
    );
    expect(mine).toMatchObject({ fromMe: true, senderJid: ME });
  });

  it('reads quotes and mentions from the context info', () => {
    const mapped = toInboundMessage(
      message(
        { remoteJid: '120363406289005073@g.us', participant: '5511988887777@s.whatsapp.net' },
        {
          extendedTextMessage: {
            text: 'see above @5511977776666',
            contextInfo: {
              stanzaId: 'QUOTED1',
              participant: '5511977776666@s.whatsapp.net',
              quotedMessage: { conversation: 'the original' },
              mentionedJid: ['5511977776666@s.whatsapp.net'],
              isForwarded: true,
            },
          },
        },
      ),
      ME,
      {},
    );
    expect(mapped?.context).toEqual({
      quotedMessageId: 'QUOTED1',
      quotedContent: 'the original',
      quotedSender: '5511977776666@s.whatsapp.net',
      mentions: ['5511977776666@s.whatsapp.net'],
    });
    expect(mapped?.isForwarded).toBe(true);
  });

  it.each([
    [
      {
        imageMessage: {
          caption: 'pic',
          mimetype: 'image/jpeg',
          fileLength: 1234,
          width: 10,
          height: 20,
        },
      },
      'image',
      'pic',
    ],
    [{ videoMessage: { caption: 'clip', mimetype: 'video/mp4', seconds: 3 } }, 'video', 'clip'],
    [{ audioMessage: { mimetype: 'audio/ogg; codecs=opus', ptt: true, seconds: 4 } }, 'ptt', ''],
    [{ audioMessage: { mimetype: 'audio/mpeg', ptt: false } }, 'audio', ''],
    [
      { documentMessage: { fileName: 'report.pdf', mimetype: 'application/pdf' } },
      'document',
      'report.pdf',
    ],
    [{ stickerMessage: { mimetype: 'image/webp' } }, 'sticker', ''],
    [
      { locationMessage: { degreesLatitude: -23.5, degreesLongitude: -46.6, name: 'Office' } },
      'location',
      'Office — -23.5,-46.6',
    ],
    [{ contactMessage: { displayName: 'Ana', vcard: 'BEGIN:VCARD' } }, 'contact', 'Ana'],
    [
      { contactsArrayMessage: { contacts: [{ displayName: 'A' }, { displayName: 'B' }] } },
      'contacts',
      'A, B',
    ],
    [{ reactionMessage: { key: { id: 'TARGET' }, text: '👍' } }, 'reaction', '👍'],
    [
      {
        pollCreationMessageV3: {
          name: 'Lunch?',
          options: [{ optionName: 'Yes' }, { optionName: 'No' }],
          selectableOptionsCount: 1,
        },
      },
      'poll',
      'Lunch?',
    ],
    [{ pollUpdateMessage: { pollCreationMessageKey: { id: 'POLL1' } } }, 'poll_update', ''],
    [{ protocolMessage: { type: 0, key: { id: 'GONE' } } }, 'message_revoke', ''],
    [
      {
        protocolMessage: {
          type: 14,
          key: { id: 'ORIG' },
          editedMessage: { conversation: 'fixed' },
        },
      },
      'message_edit',
      'fixed',
    ],
    [
      { buttonsResponseMessage: { selectedButtonId: 'b1', selectedDisplayText: 'Yes' } },
      'buttons_response',
      'Yes',
    ],
    [
      { listResponseMessage: { title: 'Row', singleSelectReply: { selectedRowId: 'r1' } } },
      'list_response',
      'Row',
    ],
    [{ ephemeralMessage: { message: { conversation: 'disappearing' } } }, 'text', 'disappearing'],
    [{ viewOnceMessageV2: { message: { imageMessage: { caption: 'once' } } } }, 'image', 'once'],
  ])('renders %j as %s', (content, type, text) => {
    const rendered = renderContent(unwrapContent(content)!);
    expect([rendered.type, rendered.content]).toEqual([type, text]);
  });

  it('fills the typed block of the type only', () => {
    const poll = toInboundMessage(
      message(
        { remoteJid: 'x@s.whatsapp.net' },
        {
          pollCreationMessage: {
            name: 'Q',
            options: [{ optionName: 'a' }],
            selectableOptionsCount: 0,
          },
        },
      ),
      ME,
      {},
    );
    expect(poll).toMatchObject({
      poll: { name: 'Q', options: ['a'], selectableCount: 0 },
      media: null,
      reaction: null,
      edit: null,
    });
    const edit = toInboundMessage(
      message(
        { remoteJid: 'x@s.whatsapp.net' },
        { protocolMessage: { type: 14, key: { id: 'O' }, editedMessage: { conversation: 'new' } } },
      ),
      ME,
      {},
    );
    expect(edit?.edit).toEqual({ originalId: 'O', newContent: 'new' });
  });

  it('maps a message pinned in its chat to type pin (docs/API.md §3.3 pinMessage)', () => {
    const pin = toInboundMessage(
      message(
        { remoteJid: 'x@s.whatsapp.net', fromMe: true },
        {
          pinInChatMessage: { key: { id: 'O' }, type: 1, senderTimestampMs: 1 },
          messageContextInfo: { messageAddOnDurationInSecs: 604_800 },
        },
      ),
      ME,
      {},
    );
    expect(pin).toMatchObject({ type: 'pin', content: '', edit: null, reaction: null });
  });

  it('drops signalling-only messages', () => {
    expect(isSignallingOnly({ senderKeyDistributionMessage: { groupId: 'g' } })).toBe(true);
    expect(isSignallingOnly({ protocolMessage: { type: 3 } })).toBe(true);
    expect(
      toInboundMessage(
        message(
          { remoteJid: 'x@s.whatsapp.net' },
          { senderKeyDistributionMessage: {}, messageContextInfo: {} },
        ),
        ME,
        {},
      ),
    ).toBeNull();
    expect(
      toInboundMessage({ key: { remoteJid: 'x@s.whatsapp.net', id: 'A' } }, ME, {}),
    ).toBeNull();
  });

  it('maps receipt status numbers', () => {
    expect([0, 2, 3, 4, 5, 9, null].map((n) => receiptStatusOf(n))).toEqual([
      'server_error',
      'sent',
      'delivered',
      'read',
      'played',
      null,
      null,
    ]);
  });
});
