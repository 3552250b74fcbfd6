import { type Sandbox, startSandbox } from '@wharf/sandbox';
import { InMemoryAuthStateStore } from '@wharf/whatsapp';

import { eventually, linkByQr, type SessionProbe } from './helpers';

describe('BaileysSession: unlink and logout against the sandbox', () => {
  let sandbox: Sandbox;
  const probes: SessionProbe[] = [];
  const devicesOf = (number: string): unknown[] =>
    sandbox.listPhones().find((phone) => phone.number === number)?.devices ?? [];

  beforeAll(async () => {
    sandbox = await startSandbox({ port: 0, controlPort: 0 });
  });

  afterAll(async () => {
    await Promise.all(probes.map((probe) => probe.session.stop()));
    await sandbox.close();
  });

  it('reports loggedout and clears the store when the phone unlinks the device', async () => {
    const number = '5511910000003';
    sandbox.createPhone(number);
    const store = new InMemoryAuthStateStore();
    const probe = await linkByQr(sandbox, store, number);
    probes.push(probe);
    expect(store.keyCount()).toBeGreaterThan(0);

    expect(sandbox.unlink(number)).toEqual({ removed: [1] });
    const loggedOut = await probe.nextConnection((event) => event.state === 'loggedout');
    expect(loggedOut).toEqual({
      state: 'loggedout',
      reason: 'logged_out',
      statusCode: 401,
      error: expect.any(String),
    });
    expect(probe.session.state).toBe('loggedout');
    expect(probe.session.me).toBeNull();
    expect(await store.loadCreds()).toBeNull();
    expect(store.keyCount()).toBe(0);

    // a new start begins a new linking, with no reconnect attempted in between
    expect(probe.trail.at(-1)).toBe('loggedout/logged_out');
    await probe.session.start();
    await probe.nextConnection(
      (event) => event.reason === 'qr_ready' && probe.connection.indexOf(event) > 0,
    );
    await probe.session.stop();
  });

  it('unlinks from the phone and clears the store on logout()', async () => {
    const number = '5511910000004';
    sandbox.createPhone(number);
    const store = new InMemoryAuthStateStore();
    const probe = await linkByQr(sandbox, store, number);
    probes.push(probe);
    expect(devicesOf(number)).toHaveLength(1);

    await probe.session.logout();
    expect(probe.connection.at(-1)).toMatchObject({ state: 'loggedout', reason: 'logged_out' });
    expect(probe.session.state).toBe('loggedout');
    expect(await store.loadCreds()).toBeNull();
    expect(store.keyCount()).toBe(0);
    expect(
      await eventually(
        () => devicesOf(number),
        (devices) => devices.length === 0,
      ),
    ).toEqual([]);
  });

  it('clears the store on logout() of a stopped session', async () => {
    const number = '5511910000005';
    sandbox.createPhone(number);
    const store = new InMemoryAuthStateStore();
    const probe = await linkByQr(sandbox, store, number);
    probes.push(probe);
    await probe.session.stop();
    expect(await store.loadCreds()).not.toBeNull();

    await probe.session.logout();
    expect(probe.trail.at(-1)).toBe('loggedout/logged_out');
    expect(await store.loadCreds()).toBeNull();
    expect(store.keyCount()).toBe(0);
  });
});
