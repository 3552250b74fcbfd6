import type { BaileysModule } from '../src/baileys-loader';
import { type Sandbox, startSandbox } from '../src/index';
import { control, memoryAuthState, sandboxBaileys, TestClient } from './helpers';

describe('pairing-code linking with a real Baileys client', () => {
  const number = '5511900000002';
  let b: BaileysModule;
  let sandbox: Sandbox;
  const clients: TestClient[] = [];

  beforeAll(async () => {
    b = await sandboxBaileys();
    sandbox = await startSandbox({ port: 0, controlPort: 0 });
    await control(sandbox, 'POST', '/phones', { number, name: 'Bob' });
  });

  afterAll(async () => {
    await Promise.all(clients.map((client) => client.stop()));
    await sandbox.close();
  });

  it('links with requestPairingCode + the phone typing the code, then opens', async () => {
    const auth = memoryAuthState(b);
    const first = TestClient.start(b, sandbox, auth);
    clients.push(first);
    await first.qr(); // the registration stream is up
    const code = await first.sock.requestPairingCode(number);
    expect(code).toMatch(/^[A-Z0-9]{8}$/);

    const wrong = code.startsWith('A') ? `B${code.slice(1)}` : `A${code.slice(1)}`;
    const refused = await control(sandbox, 'POST', `/phones/${number}/pair`, { code: wrong });
    expect(refused).toEqual({
      status: 400,
      body: { error: 'the pairing code does not match the one the companion shows' },
    });

    const paired = await control(sandbox, 'POST', `/phones/${number}/pair`, {
      code: `${code.slice(0, 4)}-${code.slice(4)}`,
    });
    expect(paired).toEqual({
      status: 200,
      body: { jid: `${number}:1@s.whatsapp.net`, lid: expect.stringMatching(/^\d{15}:1@lid$/) },
    });
    expect(await first.closedWith()).toBe(b.DisconnectReason.restartRequired);
    expect(auth.creds.me?.id).toBe(`${number}:1@s.whatsapp.net`);

    const second = TestClient.start(b, sandbox, auth);
    clients.push(second);
    await second.opened();
    expect(second.updates.some((u) => u.qr)).toBe(false);
  });

  it('answers 404 when no companion waits for a code for that number', async () => {
    const res = await control(sandbox, 'POST', `/phones/${number}/pair`, { code: 'ABCDEFGH' });
    expect(res).toEqual({
      status: 404,
      body: { error: `no companion is waiting for a pairing code for ${number}` },
    });
  });
});
