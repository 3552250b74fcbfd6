import { type Sandbox, startSandbox } from '@wharf/sandbox';
import { InMemoryAuthStateStore } from '@wharf/whatsapp';

import { sandboxSession, type SessionProbe } from './helpers';

describe('BaileysSession: linking by QR against the sandbox', () => {
  const number = '5511910000001';
  let sandbox: Sandbox;
  const store = new InMemoryAuthStateStore();
  const probes: SessionProbe[] = [];
  const open = (s: InMemoryAuthStateStore, extra = {}): SessionProbe => {
    const probe = sandboxSession(sandbox, s, extra);
    probes.push(probe);
    return probe;
  };

  beforeAll(async () => {
    // one QR ref per registration stream, so the QR-expiry test ends quickly
    sandbox = await startSandbox({ port: 0, controlPort: 0, qrRefCount: 1 });
    sandbox.createPhone(number, 'Alice');
    // the phone's app-state key share (a message from its own primary) carries its push name,
    // which Baileys adopts as me.name at some point after the login; this file pins the session
    // right after the link, so the phone keeps its key (libs/sandbox/README.md, "App state")
    sandbox.setAppStateKeyShare(number, false);
  });

  afterAll(async () => {
    await Promise.all(probes.map((probe) => probe.session.stop()));
    await sandbox.close();
  });

  it('emits qr_ready, handles the 515 restart itself and connects as <number>:<device>', async () => {
    const probe = open(store);
    expect(probe.session.state).toBe('disconnected');
    await probe.session.start();
    expect(probe.session.state).toBe('connecting');

    const qrEvent = await probe.nextConnection((event) => event.reason === 'qr_ready');
    expect(qrEvent).toEqual({
      state: 'connecting',
      reason: 'qr_ready',
      qr: expect.stringMatching(/^https:\/\/wa\.me\/settings\/linked_devices#/),
    });
    expect(probe.session.me).toBeNull();

    await sandbox.link(number, qrEvent.qr as string);
    const connected = await probe.nextConnection((event) => event.state === 'connected');

    expect(probe.trail).toEqual([
      'connecting/qr_ready',
      'connecting/restart_required',
      'connected/connected',
    ]);
    expect(probe.connection[1]).toMatchObject({ statusCode: 515 });
    expect(connected).toEqual({
      state: 'connected',
      reason: 'connected',
      jid: `${number}:1@s.whatsapp.net`,
      lid: expect.stringMatching(/^\d{15}@lid$/),
      isNewLogin: true,
    });
    expect(probe.session.state).toBe('connected');
    expect(probe.session.me).toEqual({
      jid: `${number}:1@s.whatsapp.net`,
      lid: connected.lid,
      name: null,
    });
    expect(probe.profiles.at(-1)).toEqual({
      jid: `${number}:1@s.whatsapp.net`,
      lid: connected.lid,
      name: null,
      platform: 'android',
      isBusiness: false,
    });

    // creds and the 812 uploaded prekeys went to the store
    expect(JSON.parse((await store.loadCreds()) as string)).toMatchObject({
      me: { id: `${number}:1@s.whatsapp.net` },
      platform: 'android',
    });
    expect(store.keyCount('pre-key')).toBeGreaterThanOrEqual(812);
    expect(sandbox.listPhones()[0].devices).toMatchObject([{ id: 1, connected: true }]);
  });

  it('stops without an event and keeps the credentials', async () => {
    const probe = probes[0];
    const before = probe.connection.length;
    await probe.session.stop();
    expect(probe.session.state).toBe('disconnected');
    expect(probe.connection).toHaveLength(before);
    expect(await store.loadCreds()).not.toBeNull();
    expect(probe.session.me?.jid).toBe(`${number}:1@s.whatsapp.net`);
  });

  it('connects a new session over the same store without a QR', async () => {
    const probe = open(store);
    await probe.session.start();
    const connected = await probe.nextConnection((event) => event.state === 'connected');
    expect(probe.trail).toEqual(['connected/connected']);
    expect(connected).toMatchObject({ jid: `${number}:1@s.whatsapp.net`, isNewLogin: false });
  });

  it('reports a replaced connection (440) as not retryable when the same creds log in again', async () => {
    const older = probes[1];
    const newer = open(store);
    await newer.session.start();
    await newer.nextConnection((event) => event.state === 'connected');

    const replaced = await older.nextConnection((event) => event.state === 'disconnected');
    expect(replaced).toEqual({
      state: 'disconnected',
      reason: 'connection_lost',
      statusCode: 440,
      error: expect.any(String),
      cause: 'replaced',
      retryable: false,
    });
    expect(older.session.state).toBe('disconnected');
    expect(newer.session.state).toBe('connected');
  });

  it('reports qr_timeout when every QR expires unscanned', async () => {
    const fresh = new InMemoryAuthStateStore();
    const probe = open(fresh, { qrTimeoutMs: 300 });
    await probe.session.start();
    const ended = await probe.nextConnection((event) => event.state === 'disconnected');
    expect(probe.trail).toEqual(['connecting/qr_ready', 'disconnected/connection_lost']);
    expect(ended).toMatchObject({ statusCode: 408, cause: 'qr_timeout', retryable: false });
  });
});
