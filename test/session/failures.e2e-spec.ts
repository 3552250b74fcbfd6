import { createServer, type Server } from 'node:net';

import { createAccount, createInstance } from '../support/fixtures';
import { Api } from '../support/http';
import {
  linkByQr,
  type Sandbox,
  sandboxEnv,
  settledStateCount,
  startTestSandbox,
  stateEvents,
  waitForState,
} from '../support/sessions';
import { waitUntil } from '../support/wait';
import { startWharf, type WharfHandle } from '../support/wharf';

describe('session failure limits (D9, D10)', () => {
  let sandbox: Sandbox;
  const running: WharfHandle[] = [];

  beforeAll(async () => {
    sandbox = await startTestSandbox();
  });
  afterAll(async () => {
    for (const wharf of running) await wharf.close().catch(() => undefined);
    await sandbox.close();
  });

  it('stops reconnecting after the configured failures in a row and stays disconnected (D10)', async () => {
    const wharf = await startWharf({
      env: sandboxEnv(sandbox, {
        SESSION_MAX_RECONNECT_FAILURES: '3',
        SESSION_RECONNECT_MAX_DELAY_MS: '400',
      }),
    });
    running.push(wharf);
    const api = new Api(wharf.url);
    const ta = (await createAccount(wharf)).token;
    const instance = await createInstance(wharf, ta, 'gives-up');
    await linkByQr(
      api,
      sandbox,
      ta,
      'gives-up',
      sandbox.createPhone('5511955500001', 'Quits').number,
    );
    const before = await settledStateCount(wharf, instance.id);
    sandbox.dropNetwork(8000);
    await waitForState(api, ta, 'gives-up', 'disconnected');
    await waitUntil(
      'three failed attempts',
      async () =>
        (await stateEvents(wharf, instance.id))
          .slice(before)
          .filter((s) => s === 'connecting/reconnecting').length >= 2,
    );
    await new Promise((resolve) => setTimeout(resolve, 9000));
    const after = (await stateEvents(wharf, instance.id)).slice(before);
    expect(after.filter((s) => s === 'connecting/reconnecting')).toHaveLength(2);
    expect(after.at(-1)).toBe('disconnected/connection_lost');
    expect(after).not.toContain('connected/connected');
    expect((await api.get('/api/instance/list', { token: ta })).body.instances[0].status).toBe(
      'disconnected',
    );
    // It can still be brought back by hand.
    expect((await api.post('/api/instance/reconnect/gives-up', { token: ta })).status).toBe(200);
    await waitForState(api, ta, 'gives-up', 'connected');
  }, 60_000);

  it('answers 504 Timed out waiting for QR code when no QR arrives (D9)', async () => {
    // A TCP server that accepts and never answers: the client waits for a handshake that never comes.
    const silent: Server = createServer(() => undefined);
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    const port = (silent.address() as { port: number }).port;
    const wharf = await startWharf({
      env: { WA_SANDBOX_URL: `ws://127.0.0.1:${port}/ws/chat`, CONNECT_TIMEOUT_MS: '1500' },
    });
    running.push(wharf);
    try {
      const api = new Api(wharf.url);
      const ta = (await createAccount(wharf)).token;
      await createInstance(wharf, ta, 'no-qr');
      const started = Date.now();
      const res = await api.get('/api/instance/connect/no-qr', { token: ta });
      expect(res.status).toBe(504);
      expect(res.body).toEqual({
        success: false,
        error: { message: 'Timed out waiting for QR code', code: 'CONNECT_TIMEOUT' },
      });
      expect(Date.now() - started).toBeLessThan(10_000);
    } finally {
      silent.close();
    }
  });
});
