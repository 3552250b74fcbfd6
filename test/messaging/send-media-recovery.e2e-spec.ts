import { Message } from '@wharf/modules/messaging/entities/message.entity';
import { InstanceSettings } from '@wharf/modules/settings/entities/instance-settings.entity';
import sharp from 'sharp';

import { Api } from '../support/http';
import { type LinkedInstance, startLinkedInstance, waitForState } from '../support/sessions';
import { waitUntil } from '../support/wait';
import { startWharf, type WharfHandle } from '../support/wharf';

/**
 * D14 with media: the prepared bytes of an accepted send are stored with its row, so a process
 * killed between "accepted" and "sent" loses nothing — the successor sends the same bytes. A send
 * waiting for its `sendRatePerMinute` slot has not been claimed yet, so it is sent too.
 */
describe('media sends survive a crash between accept and send (D14)', () => {
  let linked: LinkedInstance;
  let successor: WharfHandle | undefined;
  const dan = { number: '5511911300001', jid: '5511911300001@s.whatsapp.net' };

  beforeAll(async () => {
    linked = await startLinkedInstance('crash', '5511911300000', [
      { number: dan.number, name: 'Dan' },
    ]);
  });
  afterAll(async () => {
    await successor?.close();
    await linked?.close();
  });

  const row = async (wharf: WharfHandle, messageId: string) =>
    (await wharf.orm()).em
      .fork()
      .findOneOrFail(
        Message,
        { instance: linked.instanceId, messageId },
        { populate: ['request'] },
      );

  it('sends queued images after SIGKILL and a restart, with the bytes it accepted', async () => {
    const { api, ta, wharf, sandbox } = linked;
    // One send per minute: the first goes out, the second waits in the pacing gap, the third
    // behind it in the instance's lane; both are still `pending` (pacing comes before the claim).
    const settings = await api.post('/api/instance/settings/crash', {
      token: ta,
      body: { sendRatePerMinute: 1 },
    });
    expect(settings.status).toBe(200);
    const first = await api.post('/api/message/text/crash', {
      token: ta,
      body: { number: dan.number, message: 'first' },
    });
    expect(first.body.status).toBe('sent');
    const png = (color: number) =>
      sharp({
        create: { width: 16, height: 16, channels: 3, background: { r: color, g: 0, b: 0 } },
      })
        .png()
        .toBuffer();
    const [second, third] = [await png(10), await png(250)];
    const async = { Prefer: 'respond-async' };
    const interrupted = await api.post('/api/message/media/crash', {
      token: ta,
      headers: async,
      body: { number: dan.number, mediaType: 'image', mediaBase64: second.toString('base64') },
    });
    const queued = await api.post('/api/message/media/crash', {
      token: ta,
      headers: async,
      body: {
        number: dan.number,
        mediaType: 'image',
        mediaBase64: third.toString('base64'),
        message: 'after the crash',
      },
    });
    expect([interrupted.status, queued.status]).toEqual([202, 202]);
    expect(queued.body.data).toMatchObject({ messageType: 'image', mediaMimeType: 'image/png' });
    // Give the lane time to reach the pacing wait of the second send.
    await new Promise((resolve) => setTimeout(resolve, 1_000));
    expect((await row(wharf, interrupted.body.messageId)).status).toBe('pending');
    const stored = await row(wharf, queued.body.messageId);
    expect(stored.status).toBe('pending');
    expect(Buffer.from((stored.request as any).content.base64, 'base64')).toEqual(third);

    await wharf.kill();
    // The successor would pace too (a minute between the two): lift the rate while it is down.
    await (
      await wharf.orm()
    ).em
      .fork()
      .nativeUpdate(InstanceSettings, { instance: linked.instanceId }, { sendRatePerMinute: 0 });
    // Same database, Redis prefix, keys and data directory; a new port.
    const env = Object.fromEntries(Object.entries(wharf.env).filter(([name]) => name !== 'PORT'));
    successor = await startWharf({ env, db: wharf.db });
    const api2 = new Api(successor.url);
    await waitForState(api2, ta, 'crash', 'connected', 30_000);

    const ids = [interrupted.body.messageId as string, queued.body.messageId as string];
    await waitUntil(
      'both queued images on the phone',
      () => ids.every((id) => sandbox.messages(dan.number).messages.some((m) => m.id === id)),
      30_000,
    );
    const received = sandbox.messages(dan.number).messages.filter((m) => ids.includes(m.id));
    // Each once, in the order accepted, with the bytes accepted.
    expect(received.map((m) => m.id)).toEqual(ids);
    expect(received[1]).toMatchObject({ type: 'image', caption: 'after the crash' });
    for (const [m, png] of [
      [received[0], second],
      [received[1], third],
    ] as const) {
      const bytes = Buffer.from((await sandbox.media(dan.number, m.id)).base64, 'base64');
      expect(bytes).toEqual(png);
    }
    for (const id of ids) {
      // The phone can show the message before the successor has recorded the send (the engine
      // accepted it; the row is written right after): wait for the record, not for the phone.
      const sent = await waitUntil(`the record of ${id}`, async () => {
        const current = await row(successor!, id);
        return current.status === 'sending' ? undefined : current;
      });
      expect(sent!.status).not.toMatch(/pending|sending|failed/);
      expect((sent!.request as any).content.base64).toBe('');
    }
  });
});
