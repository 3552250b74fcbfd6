import { createThrowawayDatabase, type ThrowawayDatabase } from '../../scripts/db-tools';
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
import { startWharf, TEST_DIALECT, type WharfHandle } from '../support/wharf';

/** The variables two Wharf processes must share to be one deployment. */
function shared(first: WharfHandle): Record<string, string> {
  const { ADMIN_TOKEN, ENCRYPTION_KEY, REDIS_KEY_PREFIX } = first.env;
  return { ADMIN_TOKEN, ENCRYPTION_KEY, REDIS_KEY_PREFIX };
}

describe('session ownership across restarts and processes (D10, D20)', () => {
  let sandbox: Sandbox;
  let db: ThrowawayDatabase;
  const running: WharfHandle[] = [];

  beforeAll(async () => {
    sandbox = await startTestSandbox();
    db = await createThrowawayDatabase(TEST_DIALECT, 'wharf_owner');
  });
  afterAll(async () => {
    for (const wharf of running) await wharf.close().catch(() => undefined);
    await sandbox.close();
    await db.drop();
  });

  async function start(env: Record<string, string> = {}): Promise<WharfHandle> {
    const wharf = await startWharf({ db, env: { ...sandboxEnv(sandbox), ...env } });
    running.push(wharf);
    return wharf;
  }

  it('restores a connected session after a restart without a new QR, with working Signal state', async () => {
    const first = await start();
    const account = await createAccount(first, 'Restart');
    const instance = await createInstance(first, account.token, 'survivor');
    const phone = sandbox.createPhone('5511977700001', 'Restart');
    await linkByQr(new Api(first.url), sandbox, account.token, 'survivor', phone.number);
    const before = await settledStateCount(first, instance.id);
    await first.close();

    const second = await start(shared(first));
    const api = new Api(second.url);
    await waitUntil(
      'the restored connection',
      async () =>
        (await stateEvents(second, instance.id)).slice(before).includes('connected/connected'),
      20_000,
    );
    const after = (await stateEvents(second, instance.id)).slice(before);
    expect(after).not.toContain('connecting/qr_ready');
    expect(await waitForState(api, account.token, 'survivor', 'connected')).toMatchObject({
      numberJid: phone.jid,
    });
    const connect = await api.get('/api/instance/connect/survivor', { token: instance.token });
    expect(connect.body).toEqual({
      success: true,
      message: 'Instance already connected',
      status: 'connected',
    });
    expect(sandbox.listPhones().find((p) => p.number === phone.number)!.devices).toHaveLength(1);
    await second.close();
  });

  it('keeps exactly one live socket with two processes, and the survivor takes over after the owner is killed', async () => {
    const owner = await start();
    const account = await createAccount(owner, 'Pair');
    const instance = await createInstance(owner, account.token, 'shared');
    const phone = sandbox.createPhone('5511977700002', 'Pair');
    await linkByQr(new Api(owner.url), sandbox, account.token, 'shared', phone.number);
    const other = await start(shared(owner));

    // Both processes run; the session must not flap between them (two sockets would replace each other, 440).
    const settled = await settledStateCount(owner, instance.id);
    await new Promise((resolve) => setTimeout(resolve, 4000));
    expect((await stateEvents(owner, instance.id)).slice(settled)).toEqual([]);
    const device = () => sandbox.listPhones().find((p) => p.number === phone.number)!.devices[0];
    expect(device().connected).toBe(true);

    await owner.kill();
    await waitUntil(
      'the other process to take the session over',
      async () =>
        (await stateEvents(other, instance.id)).slice(settled).includes('connected/connected'),
      25_000,
    );
    expect((await stateEvents(other, instance.id)).slice(settled)).not.toContain(
      'connecting/qr_ready',
    );
    await waitUntil('the device to be connected again', () => device().connected);
    const item = await waitForState(new Api(other.url), account.token, 'shared', 'connected');
    expect(item.numberJid).toBe(phone.jid);
    await other.close();
  });
});

describe('session commands sent to a process that does not own the session', () => {
  it('relays reconnect, connect, number lookups (D13) and logout to the owner', async () => {
    const sandbox = await startTestSandbox();
    const db = await createThrowawayDatabase(TEST_DIALECT, 'wharf_relay');
    const owner = await startWharf({ db, env: sandboxEnv(sandbox) });
    const { ADMIN_TOKEN, ENCRYPTION_KEY, REDIS_KEY_PREFIX } = owner.env;
    const other = await startWharf({
      db,
      env: { ...sandboxEnv(sandbox), ADMIN_TOKEN, ENCRYPTION_KEY, REDIS_KEY_PREFIX },
    });
    try {
      const account = await createAccount(owner, 'Relay');
      const instance = await createInstance(owner, account.token, 'relayed');
      const phone = sandbox.createPhone('5511977700003', 'Relay');
      await linkByQr(new Api(owner.url), sandbox, account.token, 'relayed', phone.number);
      const api = new Api(other.url);
      const before = await settledStateCount(owner, instance.id);
      const reconnect = await api.post('/api/instance/reconnect/relayed', {
        token: instance.token,
      });
      expect(reconnect.body).toEqual({
        success: true,
        message: 'Reconnect initiated',
        status: 'connecting',
      });
      await waitUntil('the owner to reconnect', async () =>
        (await stateEvents(owner, instance.id)).slice(before).includes('connected/connected'),
      );
      const connect = await api.get('/api/instance/connect/relayed', { token: instance.token });
      expect(connect.body).toEqual({
        success: true,
        message: 'Instance already connected',
        status: 'connected',
      });
      // D13 through the owner: a send accepted by the other process resolves the 9th digit with
      // the owner's session (usync), and a number without WhatsApp is refused there too.
      const old = sandbox.createPhone('551177700004', 'Old number');
      const send = await api.post('/api/message/text/relayed', {
        token: instance.token,
        body: { number: '5511977700004', message: 'via the other process' },
      });
      expect([send.status, send.body.data?.chat?.jid]).toEqual([200, old.jid]);
      await waitUntil('the old number to get the message', () =>
        sandbox.messages(old.number).messages.some((m) => m.id === send.body.messageId),
      );
      const missing = await api.post('/api/message/text/relayed', {
        token: instance.token,
        body: { number: '5511977700099', message: 'anyone?' },
      });
      expect([missing.status, missing.body.error]).toEqual([
        400,
        { message: 'Number is not on WhatsApp', code: 'NUMBER_NOT_ON_WHATSAPP' },
      ]);

      const logout = await api.delete('/api/instance/logout/relayed', { token: instance.token });
      expect(logout.body).toEqual({
        success: true,
        message: 'Instance logged out',
        instance: { status: 'loggedout' },
      });
      await waitUntil(
        'the phone to drop the device',
        () => sandbox.listPhones().find((p) => p.number === phone.number)!.devices.length === 0,
      );
      const qr = await api.get('/api/instance/connect/relayed', { token: instance.token });
      expect(qr.body).toMatchObject({ success: true, message: 'QR code generated', status: 'qr' });
    } finally {
      await other.close();
      await owner.close();
      await sandbox.close();
      await db.drop();
    }
  });
});
