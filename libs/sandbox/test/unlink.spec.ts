import type { BaileysModule } from '../src/baileys-loader';
import { type PhoneView, type Sandbox, startSandbox } from '../src/index';
import { control, linkCompanionByQr, sandboxBaileys, TestClient } from './helpers';

describe('phone unlinks its companion', () => {
  let b: BaileysModule;
  let sandbox: Sandbox;
  const clients: TestClient[] = [];

  beforeAll(async () => {
    b = await sandboxBaileys();
    sandbox = await startSandbox({ port: 0, controlPort: 0 });
  });

  afterAll(async () => {
    await Promise.all(clients.map((client) => client.stop()));
    await sandbox.close();
  });

  it('closes the connected companion with loggedOut (401) and refuses its creds afterwards', async () => {
    const number = '5511900000005';
    await control(sandbox, 'POST', '/phones', { number });
    const auth = await linkCompanionByQr(b, sandbox, number);
    const connected = TestClient.start(b, sandbox, auth);
    clients.push(connected);
    await connected.opened();

    const unlinked = await control(sandbox, 'POST', `/phones/${number}/unlink`);
    expect(unlinked).toEqual({ status: 200, body: { removed: [1] } });
    expect(await connected.closedWith()).toBe(b.DisconnectReason.loggedOut);

    const again = TestClient.start(b, sandbox, auth);
    clients.push(again);
    expect(await again.closedWith()).toBe(b.DisconnectReason.loggedOut);
    expect(again.updates.some((u) => u.connection === 'open')).toBe(false);

    const phones = await control<PhoneView[]>(sandbox, 'GET', '/phones');
    expect(phones.body[0].devices).toEqual([]);
  });

  it('removes a companion when the client logs out itself', async () => {
    const number = '5511900000015';
    await control(sandbox, 'POST', '/phones', { number });
    const auth = await linkCompanionByQr(b, sandbox, number);
    const client = TestClient.start(b, sandbox, auth);
    clients.push(client);
    await client.opened();

    await client.sock.logout();
    expect(await client.closedWith()).toBe(b.DisconnectReason.loggedOut);
    const phones = await control<PhoneView[]>(sandbox, 'GET', '/phones');
    const phone = phones.body.find((p) => p.number === number);
    expect(phone?.devices).toEqual([]);
  });
});
