import type { AuthenticationState } from 'baileys';

import type { BaileysModule } from '../src/baileys-loader';
import { type Sandbox, startSandbox } from '../src/index';
import { control, linkCompanionByQr, memoryAuthState, sandboxBaileys, TestClient } from './helpers';

describe('QR pairing and login with a real Baileys client', () => {
  const number = '5511900000001';
  let b: BaileysModule;
  let sandbox: Sandbox;
  let auth: AuthenticationState;
  const clients: TestClient[] = [];
  const start = (state: AuthenticationState): TestClient => {
    const client = TestClient.start(b, sandbox, state);
    clients.push(client);
    return client;
  };

  beforeAll(async () => {
    b = await sandboxBaileys();
    sandbox = await startSandbox({ port: 0, controlPort: 0 });
    await control(sandbox, 'POST', '/phones', { number, name: 'Alice' });
    await control(sandbox, 'POST', '/phones', { number: '5511900000012', name: 'Dan' });
  });

  afterAll(async () => {
    await Promise.all(clients.map((client) => client.stop()));
    await sandbox.close();
  });

  it('links by QR, restarts with 515 and opens as <number>:<device>', async () => {
    auth = memoryAuthState(b);
    const first = start(auth);
    const qr = await first.qr();
    expect(qr).toMatch(
      /^https:\/\/wa\.me\/settings\/linked_devices#2@[^,]+,[^,]+,[^,]+,[^,]+,\d+$/,
    );

    const linked = await control(sandbox, 'POST', `/phones/${number}/link`, { qr });
    expect(linked).toEqual({
      status: 200,
      body: { jid: `${number}:1@s.whatsapp.net`, lid: expect.stringMatching(/^\d{15}:1@lid$/) },
    });
    expect(await first.closedWith()).toBe(b.DisconnectReason.restartRequired);
    expect(auth.creds.me?.id).toBe(`${number}:1@s.whatsapp.net`);
    expect(auth.creds.platform).toBe('android');

    const second = start(auth);
    await second.opened();
    expect(second.updates.some((u) => u.qr)).toBe(false);
    expect(auth.creds.me?.id).toBe(`${number}:1@s.whatsapp.net`);
    expect(auth.creds.me?.lid).toMatch(/^\d{15}@lid$/);

    const phones = await control(sandbox, 'GET', '/phones');
    expect(phones.body).toEqual(
      expect.arrayContaining([
        {
          number,
          jid: `${number}@s.whatsapp.net`,
          lid: expect.stringMatching(/^\d{15}@lid$/),
          name: 'Alice',
          primary: { connected: true, preKeyCount: 30 },
          devices: [
            {
              id: 1,
              jid: `${number}:1@s.whatsapp.net`,
              lid: expect.stringMatching(/^\d{15}:1@lid$/),
              platform: 'chrome',
              connected: true,
              preKeyCount: 812,
            },
          ],
        },
      ]),
    );
  });

  it('answers the queries a logged-in client makes', async () => {
    const client = clients[1];
    const pong = await client.sock.query({
      tag: 'iq',
      attrs: { to: 's.whatsapp.net', type: 'get', xmlns: 'w:p' },
      content: [{ tag: 'ping', attrs: {} }],
    });
    expect(pong.attrs.type).toBe('result');
    expect(await client.sock.fetchBlocklist()).toEqual([]);
    expect(await client.sock.fetchPrivacySettings(true)).toMatchObject({ last: 'all' });
    expect(await client.sock.onWhatsApp('5511900000012', '5511977776666')).toEqual([
      { jid: '5511900000012@s.whatsapp.net', exists: true },
    ]);
  });

  it('logs in again with the saved creds and no QR', async () => {
    await clients[1].stop();
    const again = start(auth);
    await again.opened();
    expect(again.updates.some((u) => u.qr)).toBe(false);
  });

  it('replaces the older connection when the same companion logs in twice (440)', async () => {
    const other = await linkCompanionByQr(b, sandbox, '5511900000012');
    const older = start(other);
    await older.opened();
    const newer = start(other);
    await newer.opened();
    expect(await older.closedWith()).toBe(b.DisconnectReason.connectionReplaced);
  });
});
