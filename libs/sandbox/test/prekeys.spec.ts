import type { BaileysModule } from '../src/baileys-loader';
import { type PhoneView, type Sandbox, startSandbox } from '../src/index';
import { control, linkCompanionByQr, sandboxBaileys, TestClient } from './helpers';

describe('prekeys kept for other clients', () => {
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

  it('serves a companion’s uploaded prekey bundle that another Baileys client accepts', async () => {
    sandbox.createPhone('5511900000013', 'Fay');
    sandbox.createPhone('5511900000014', 'Gus');
    const fay = TestClient.start(b, sandbox, await linkCompanionByQr(b, sandbox, '5511900000013'));
    const gus = TestClient.start(b, sandbox, await linkCompanionByQr(b, sandbox, '5511900000014'));
    clients.push(fay, gus);
    await Promise.all([fay.opened(), gus.opened()]);

    // Fay's client resolves Gus's LID (usync) and fetches his bundle (encrypt/key); libsignal
    // rejects a bundle whose signed prekey signature does not verify.
    const fetched = await fay.sock.assertSessions(['5511900000014:1@s.whatsapp.net'], false);
    expect(fetched).toBe(true);
    expect(await fay.sock.assertSessions(['5511900000014:1@s.whatsapp.net'], false)).toBe(false);

    const phones = await control<PhoneView[]>(sandbox, 'GET', '/phones');
    const count = (number: string): number | undefined =>
      phones.body.find((phone) => phone.number === number)?.devices[0]?.preKeyCount;
    expect(count('5511900000013')).toBe(812);
    expect(count('5511900000014')).toBe(811);
  });
});
