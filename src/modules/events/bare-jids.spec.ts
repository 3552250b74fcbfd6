import { bareJid, bareJids } from './bare-jids';

describe('bare JIDs in events (D25)', () => {
  it.each([
    ['5511900000201:1@s.whatsapp.net', '5511900000201@s.whatsapp.net'],
    ['5511900000201:12@s.whatsapp.net', '5511900000201@s.whatsapp.net'],
    ['5511900000201_1:3@s.whatsapp.net', '5511900000201@s.whatsapp.net'],
    ['199789077627112:4@lid', '199789077627112@lid'],
    ['5511900000201@s.whatsapp.net', '5511900000201@s.whatsapp.net'],
    ['120363406289005073@g.us', '120363406289005073@g.us'],
    ['120363406289005073@newsletter', '120363406289005073@newsletter'],
    ['status@broadcast', 'status@broadcast'],
    ['3EB0C767D26A1B2C3D4E', '3EB0C767D26A1B2C3D4E'],
    ['see 5511:1@s.whatsapp.net', 'see 5511:1@s.whatsapp.net'],
  ])('%s → %s', (input, output) => {
    expect(bareJid(input)).toBe(output);
  });

  it('normalises every JID at any depth and leaves free text alone', () => {
    const date = new Date(0);
    expect(
      bareJids({
        sender: { jid: '5511900000201:1@s.whatsapp.net', lid: '1997:2@lid', name: '1:1@lid' },
        message: {
          content: '5511900000201:1@s.whatsapp.net',
          text: '5511900000201:1@s.whatsapp.net',
          context: { mentions: ['5511900000202:3@s.whatsapp.net'], quotedSender: '55:1@lid' },
        },
        recipient: '5511900000203:7@s.whatsapp.net',
        count: 3,
        flag: null,
        date,
      }),
    ).toEqual({
      sender: { jid: '5511900000201@s.whatsapp.net', lid: '1997@lid', name: '1:1@lid' },
      message: {
        content: '5511900000201:1@s.whatsapp.net',
        text: '5511900000201:1@s.whatsapp.net',
        context: { mentions: ['5511900000202@s.whatsapp.net'], quotedSender: '55@lid' },
      },
      recipient: '5511900000203@s.whatsapp.net',
      count: 3,
      flag: null,
      date,
    });
  });

  it('does not modify its input', () => {
    const input = { jid: '5511:1@s.whatsapp.net' };
    bareJids(input);
    expect(input.jid).toBe('5511:1@s.whatsapp.net');
  });
});

/** Every string in `value` that names a device (`…:<n>@…`), with its path. */
function deviceJids(value: unknown, path = 'data'): string[] {
  if (typeof value === 'string') return /:\d+@/.test(value) ? [`${path}=${value}`] : [];
  if (Array.isArray(value)) return value.flatMap((v, i) => deviceJids(v, `${path}[${i}]`));
  if (value && typeof value === 'object')
    return Object.entries(value).flatMap(([k, v]) => deviceJids(v, `${path}.${k}`));
  return [];
}

describe('no device JID in any event type (D25)', () => {
  const device = '5511900000201:1@s.whatsapp.net';
  const lid = '199789077627112:3@lid';
  it.each([
    [
      'message.exchange',
      {
        id: 'A',
        chat: { jid: device, lid },
        sender: { jid: device, lid },
        recipient: { jid: device },
        reply: { message_id: 'B', sender: lid },
        mentions: { mentionedUsers: [device] },
        message: {
          remoteJid: device,
          from: device,
          to: lid,
          chat: { jid: device },
          sender: { jid: device },
          context: { quotedSender: device, mentions: [device, lid] },
          pollUpdate: { voter: device },
        },
      },
    ],
    [
      'message.status',
      {
        id: 'A',
        chat: { jid: device },
        recipient: device,
        sender: { jid: device },
        messageSender: lid,
      },
    ],
    ['call.update', { callId: 'C', from: device }],
    ['instance.state', { instance: 'sales', jid: device }],
    ['group.flow', { groupJid: '1203@g.us', participants: [device, lid] }],
    ['label.update', { labelId: '1', chatJid: device }],
  ])('%s', (_, data) => {
    expect(deviceJids(data).length).toBeGreaterThan(0);
    expect(deviceJids(bareJids(data))).toEqual([]);
  });
});
