import { SessionCredentials } from '@wharf/modules/session/entities/session-credentials.entity';
import { SessionKey } from '@wharf/modules/session/entities/session-key.entity';

import { createAccount, createInstance } from '../support/fixtures';
import { Api } from '../support/http';
import {
  allEvents,
  instanceItem,
  linkByQr,
  type Sandbox,
  sandboxEnv,
  settledStateCount,
  startTestSandbox,
  stateEvents,
  waitForState,
} from '../support/sessions';
import { waitUntil } from '../support/wait';
import { startWharf, WharfHandle } from '../support/wharf';

describe('WhatsApp sessions through the sandbox (issue 3)', () => {
  let sandbox: Sandbox;
  let wharf: WharfHandle;
  let api: Api;
  let ta: string;
  let phoneSeq = 0;
  const newPhone = (name: string) => {
    phoneSeq += 1;
    return sandbox.createPhone(
      `55119${String(Date.now()).slice(-5)}${String(phoneSeq).padStart(3, '0')}`,
      name,
    );
  };

  beforeAll(async () => {
    sandbox = await startTestSandbox();
    wharf = await startWharf({ env: sandboxEnv(sandbox) });
    api = new Api(wharf.url);
    ta = (await createAccount(wharf)).token;
  });
  afterAll(async () => {
    await wharf?.close();
    await sandbox?.close();
  });

  it('links by QR: connect answers the QR, the phone scans it, the instance is connected with its JID', async () => {
    const instance = await createInstance(wharf, ta, 'qr-link');
    const phone = newPhone('Alice');
    const connect = await api.get('/api/instance/connect/qr-link', { token: instance.token });
    expect(connect.status).toBe(200);
    expect(connect.body).toEqual({
      success: true,
      message: 'QR code generated',
      qrCode: expect.stringContaining(','),
      qrCodeBase64: expect.stringMatching(/^data:image\/png;base64,[A-Za-z0-9+/]+=*$/),
      status: 'qr',
    });
    await sandbox.link(phone.number, connect.body.qrCode);
    const item = await waitForState(api, ta, 'qr-link', 'connected');
    expect(item.numberJid).toBe(phone.jid);
    expect(item.connection).toMatchObject({
      state: 'connected',
      numberJid: phone.jid,
      displayStatus: 'Connected',
    });
    const states = await stateEvents(wharf, instance.id);
    expect(states.indexOf('connecting/qr_ready')).toBeGreaterThanOrEqual(0);
    expect(states.indexOf('connected/connected')).toBeGreaterThan(
      states.indexOf('connecting/qr_ready'),
    );
    const connected = (await allEvents(wharf, instance.id)).find(
      (e) => e.data.state === 'connected',
    )!;
    expect(connected.data).toMatchObject({
      instance: 'qr-link',
      status: 'connected',
      reason: 'connected',
      jid: phone.jid,
      timestamp: expect.any(String),
    });
    const again = await api.get('/api/instance/connect/qr-link', { token: ta });
    expect(again.body).toEqual({
      success: true,
      message: 'Instance already connected',
      status: 'connected',
    });
  });

  it('links by pairing code', async () => {
    await createInstance(wharf, ta, 'pair-link');
    const phone = newPhone('Bob');
    const connect = await api.get(`/api/instance/connect/pair-link?number=${phone.number}`, {
      token: ta,
    });
    expect(connect.status).toBe(200);
    expect(connect.body).toEqual({
      success: true,
      message: 'Pairing code generated',
      pairingCode: expect.stringMatching(/^[A-Z0-9]{8}$/),
      status: 'pairing_code',
    });
    // The pairing request travels to the sandbox on its own; retry briefly until it has arrived.
    await waitUntil(
      'the phone to accept the pairing code',
      () => sandbox.pair(phone.number, connect.body.pairingCode).then(() => true),
      5_000,
    );
    const item = await waitForState(api, ta, 'pair-link', 'connected');
    expect(item.numberJid).toBe(phone.jid);
  });

  it('reconnects by itself after a network drop, without a new QR', async () => {
    const instance = await createInstance(wharf, ta, 'drop');
    await linkByQr(api, sandbox, ta, 'drop', newPhone('Carol').number);
    const before = await settledStateCount(wharf, instance.id);
    sandbox.dropNetwork(1500);
    await waitUntil('a reconnecting state', async () =>
      (await stateEvents(wharf, instance.id)).slice(before).includes('connecting/reconnecting'),
    );
    await waitUntil(
      'connected again',
      async () =>
        (await stateEvents(wharf, instance.id)).slice(before).includes('connected/connected'),
      20_000,
    );
    const after = (await stateEvents(wharf, instance.id)).slice(before);
    expect(after).not.toContain('connecting/qr_ready');
    expect((await instanceItem(api, ta, 'drop')).status).toBe('connected');
  });

  it('becomes loggedout when the phone unlinks, deletes the credentials and never reconnects', async () => {
    const instance = await createInstance(wharf, ta, 'unlinked');
    const phone = newPhone('Dan');
    await linkByQr(api, sandbox, ta, 'unlinked', phone.number);
    sandbox.unlink(phone.number);
    const item = await waitForState(api, ta, 'unlinked', 'loggedout');
    expect(item.numberJid).toBeNull();
    const orm = await wharf.orm();
    await waitUntil('credentials wiped', async () => {
      const creds = await orm.em.fork().findOne(SessionCredentials, { instance: instance.id });
      return (
        creds?.credsCipher === null &&
        (await orm.em.fork().count(SessionKey, { instance: instance.id })) === 0
      );
    });
    const settled = (await stateEvents(wharf, instance.id)).length;
    await new Promise((r) => setTimeout(r, 2500));
    expect((await stateEvents(wharf, instance.id)).slice(settled)).toEqual([]);
    expect(sandbox.listPhones().find((p) => p.number === phone.number)!.devices).toEqual([]);
    const reconnect = await api.post('/api/instance/reconnect/unlinked', { token: ta });
    expect(reconnect.status).toBe(400);
    expect(reconnect.body).toEqual({
      success: false,
      error: {
        message: 'Instance has no saved session, call /connect first',
        code: 'NO_SAVED_SESSION',
      },
    });
  });

  it('logs out through the API: the phone loses the device and the session is wiped', async () => {
    const instance = await createInstance(wharf, ta, 'api-logout');
    const phone = newPhone('Eve');
    await linkByQr(api, sandbox, ta, 'api-logout', phone.number);
    const res = await api.delete('/api/instance/logout/api-logout', { token: instance.token });
    expect(res.status).toBe(200);
    expect(res.body).toEqual({
      success: true,
      message: 'Instance logged out',
      instance: { status: 'loggedout' },
    });
    expect((await instanceItem(api, ta, 'api-logout')).status).toBe('loggedout');
    await waitUntil(
      'the phone to drop the device',
      () => sandbox.listPhones().find((p) => p.number === phone.number)!.devices.length === 0,
    );
    const orm = await wharf.orm();
    expect(await orm.em.fork().count(SessionKey, { instance: instance.id })).toBe(0);
  });

  it('reconnect with a saved session answers Reconnect initiated and comes back connected', async () => {
    await createInstance(wharf, ta, 'recon');
    await linkByQr(api, sandbox, ta, 'recon', newPhone('Fay').number);
    const res = await api.post('/api/instance/reconnect/recon', {
      token: ta,
      body: { ignored: true },
    });
    expect(res.status).toBe(200);
    expect(res.body).toEqual({
      success: true,
      message: 'Reconnect initiated',
      status: 'connecting',
    });
    await waitForState(api, ta, 'recon', 'connected');
  });

  it('deletes a connected instance: logs out first, closes the socket and removes every row', async () => {
    const instance = await createInstance(wharf, ta, 'deleted-live');
    const phone = newPhone('Gus');
    await linkByQr(api, sandbox, ta, 'deleted-live', phone.number);
    const res = await api.delete('/api/instance/delete/deleted-live', { token: ta });
    expect(res.status).toBe(200);
    await waitUntil(
      'the phone to drop the device',
      () => sandbox.listPhones().find((p) => p.number === phone.number)!.devices.length === 0,
    );
    const orm = await wharf.orm();
    expect(await orm.em.fork().count(SessionCredentials, { instance: instance.id })).toBe(0);
    expect(await orm.em.fork().count(SessionKey, { instance: instance.id })).toBe(0);
  });

  it('rejects calls automatically when autoRejectCalls is on and logs call.update events', async () => {
    const instance = await createInstance(wharf, ta, 'calls', { autoRejectCalls: true });
    const phone = newPhone('Hal');
    const caller = newPhone('Ivy');
    const item = await linkByQr(api, sandbox, ta, 'calls', phone.number);
    sandbox.call(caller.number, item.numberJid);
    await waitUntil('the call to be rejected', () =>
      sandbox.listCalls(caller.number).some((c) => c.status === 'rejected'),
    );
    const calls = (await allEvents(wharf, instance.id)).filter((e) => e.event === 'call.update');
    expect(calls.map((e) => e.data.action)).toEqual(expect.arrayContaining(['offer', 'rejected']));
    expect(calls[0].data).toMatchObject({ from: caller.jid, isVideo: false, isGroup: false });
  });

  it('refuses an invalid pairing number', async () => {
    await createInstance(wharf, ta, 'bad-number');
    const res = await api.get('/api/instance/connect/bad-number?number=abc', { token: ta });
    expect(res.status).toBe(400);
    expect(res.body.error.message).toBe(
      'Invalid request body: number must be a phone number with country code',
    );
  });
});
