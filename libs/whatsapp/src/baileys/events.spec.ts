import { EventEmitter } from 'node:events';

import type { WASocket } from 'baileys';

import { bindTrafficEvents } from './events';
import type { BaileysModule } from './loader';

describe('bindTrafficEvents: message-receipt.update', () => {
  const bind = () => {
    const ev = new EventEmitter();
    const emitted: Array<[string, unknown]> = [];
    bindTrafficEvents(
      {} as BaileysModule,
      { ev } as unknown as Pick<WASocket, 'ev'>,
      {
        isCurrent: () => true,
        me: () => ({ jid: '5511900000001@s.whatsapp.net' }),
        emit: (name: string, data: unknown) => emitted.push([name, data]),
      } as never,
    );
    return { ev, emitted };
  };

  it("reports a group member's read receipt for the account's own message", () => {
    const { ev, emitted } = bind();
    ev.emit('message-receipt.update', [
      {
        key: { id: 'OWN1', remoteJid: '1203@g.us', fromMe: true, participant: 'x@s.whatsapp.net' },
        receipt: { userJid: 'x@s.whatsapp.net', readTimestamp: 1_700_000_000 },
      },
    ]);
    expect(emitted).toEqual([
      ['receipt', expect.objectContaining({ messageIds: ['OWN1'], status: 'read' })],
    ]);
  });

  it("ignores the account's other device reporting that it read someone else's message", () => {
    const { ev, emitted } = bind();
    ev.emit('message-receipt.update', [
      {
        key: {
          id: 'THEIRS',
          remoteJid: '1203@g.us',
          fromMe: false,
          participant: 'y@s.whatsapp.net',
        },
        receipt: { userJid: '5511900000001@s.whatsapp.net', readTimestamp: 1_700_000_000 },
      },
    ]);
    expect(emitted).toEqual([]);
  });
});
