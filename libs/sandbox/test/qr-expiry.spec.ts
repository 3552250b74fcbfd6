import type { BaileysModule } from '../src/baileys-loader';
import { type Sandbox, startSandbox } from '../src/index';
import { control, memoryAuthState, sandboxBaileys, TestClient } from './helpers';

describe('QR refs running out', () => {
  let b: BaileysModule;
  let sandbox: Sandbox;
  let client: TestClient | undefined;

  beforeAll(async () => {
    b = await sandboxBaileys();
    sandbox = await startSandbox({ port: 0, controlPort: 0, qrRefCount: 2 });
    await control(sandbox, 'POST', '/phones', { number: '5511900000003' });
  });

  afterAll(async () => {
    await client?.stop();
    await sandbox.close();
  });

  it('ends the client with 408 after the last ref, and answers 410 for its refs afterwards', async () => {
    client = TestClient.start(b, sandbox, memoryAuthState(b), { qrTimeout: 300 });
    const status = await client.closedWith();
    expect(status).toBe(b.DisconnectReason.timedOut);
    const qrs = client.updates.flatMap((u) => (u.qr ? [u.qr] : []));
    expect(qrs).toHaveLength(2);
    expect(new Set(qrs).size).toBe(2);

    const late = await control(sandbox, 'POST', '/phones/5511900000003/link', { qr: qrs[1] });
    expect(late).toEqual({ status: 410, body: { error: 'this QR ref has expired' } });
  });
});
