import { type CallView, type Sandbox, startSandbox } from '@wharf/sandbox';
import { InMemoryAuthStateStore, SessionNotConnectedError } from '@wharf/whatsapp';

import { linkByQr, sandboxSession, type SessionProbe } from './helpers';

describe('BaileysSession: a connected session against the sandbox', () => {
  const number = '5511910000006';
  const caller = '5511910000007';
  let sandbox: Sandbox;
  let probe: SessionProbe;
  const store = new InMemoryAuthStateStore();

  beforeAll(async () => {
    sandbox = await startSandbox({ port: 0, controlPort: 0 });
    sandbox.createPhone(number, 'Callee');
    sandbox.createPhone(caller, 'Caller');
    probe = await linkByQr(sandbox, store, number);
  });

  afterAll(async () => {
    await probe.session.stop();
    await sandbox.close();
  });

  it('emits an offer for an incoming call and rejects it', async () => {
    const placed: CallView = sandbox.call(caller, number);
    const offer = await probe.nextCall((call) => call.id === placed.id && call.status === 'offer');
    expect(offer).toEqual({
      id: placed.id,
      from: `${caller}@s.whatsapp.net`,
      callerPn: `${caller}@s.whatsapp.net`,
      chatId: `${caller}@s.whatsapp.net`,
      status: 'offer',
      isVideo: false,
      isGroup: false,
      offline: false,
      timestamp: expect.any(Date),
    });

    await probe.session.calls.reject(offer.id, offer.from);
    expect(sandbox.listCalls(caller)).toEqual([
      expect.objectContaining({ id: placed.id, status: 'rejected' }),
    ]);
  });

  it('sends presence when connected and refuses when not', async () => {
    await expect(probe.session.presence.setOwn('available')).resolves.toBeUndefined();
    await expect(probe.session.presence.setOwn('unavailable')).resolves.toBeUndefined();

    const idle = sandboxSession(sandbox, new InMemoryAuthStateStore());
    await expect(idle.session.presence.setOwn('available')).rejects.toBeInstanceOf(
      SessionNotConnectedError,
    );
    await expect(idle.session.messages.sendText(`${caller}@s.whatsapp.net`, 'hi')).rejects.toBeInstanceOf(
      SessionNotConnectedError,
    );
  });

  it('reports a network drop as connection_lost with its code and reconnects on a later start()', async () => {
    const dropMs = 1_000;
    const droppedAt = Date.now();
    sandbox.dropNetwork(dropMs);
    const lost = await probe.nextConnection((event) => event.state === 'disconnected');
    expect(lost).toEqual({
      state: 'disconnected',
      reason: 'connection_lost',
      statusCode: 428,
      error: expect.any(String),
      cause: 'connection_lost',
      retryable: true,
    });
    expect(probe.session.state).toBe('disconnected');
    expect(await store.loadCreds()).not.toBeNull();
    await expect(probe.session.presence.setOwn('available')).rejects.toBeInstanceOf(
      SessionNotConnectedError,
    );

    await new Promise((resolve) => setTimeout(resolve, dropMs - (Date.now() - droppedAt) + 50));
    const before = probe.connection.length;
    await probe.session.start();
    const again = await probe.nextConnection(
      (event) => event.state === 'connected' && probe.connection.indexOf(event) >= before,
    );
    expect(again).toMatchObject({ jid: `${number}:1@s.whatsapp.net`, isNewLogin: false });
    expect(probe.trail.slice(before)).toEqual(['connected/connected']);
  });
});
