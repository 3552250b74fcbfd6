import type { BaileysModule } from '../src/baileys-loader';
import { type Sandbox, startSandbox } from '../src/index';
import { control, linkCompanionByQr, sandboxBaileys, TestClient } from './helpers';

describe('network drop', () => {
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

  it('cuts the socket, refuses connections during the window, then lets the creds back in', async () => {
    const number = '5511900000006';
    await control(sandbox, 'POST', '/phones', { number });
    const auth = await linkCompanionByQr(b, sandbox, number);
    const connected = TestClient.start(b, sandbox, auth);
    clients.push(connected);
    await connected.opened();

    const dropMs = 1500;
    const dropped = await control(sandbox, 'POST', '/network/drop', { ms: dropMs });
    const droppedAt = Date.now();
    expect(dropped.status).toBe(200);
    expect(await connected.closedWith()).toBe(b.DisconnectReason.connectionClosed);

    const during = TestClient.start(b, sandbox, auth);
    clients.push(during);
    // the upgrade is refused at the socket level, which Baileys reports as a lost connection
    expect(await during.closedWith()).toBe(b.DisconnectReason.connectionLost);
    expect(during.updates.some((u) => u.connection === 'open')).toBe(false);
    expect(Date.now() - droppedAt).toBeLessThan(dropMs);

    await new Promise((resolve) => setTimeout(resolve, dropMs - (Date.now() - droppedAt) + 50));
    const after = TestClient.start(b, sandbox, auth);
    clients.push(after);
    await after.opened();
    expect(after.updates.some((u) => u.qr)).toBe(false);
  });
});
