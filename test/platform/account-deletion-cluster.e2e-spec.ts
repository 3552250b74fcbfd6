/**
 * Issue 11: an account deleted through one Wharf process while its instances' sessions run on
 * another. Process A takes the `DELETE`; process B owns the sessions (their leases). The linked
 * instance is logged out on B (the `logout` relay: the phone drops the companion device), the
 * instance still showing a QR is stopped on B (the `forget` relay), and no process runs either
 * afterwards.
 */
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';

import { createThrowawayDatabase, type ThrowawayDatabase } from '../../scripts/db-tools';
import { createAccount, createInstance } from '../support/fixtures';
import { Api } from '../support/http';
import {
  linkByQr,
  type Sandbox,
  sandboxEnv,
  startTestSandbox,
  waitForState,
} from '../support/sessions';
import { waitUntil } from '../support/wait';
import { REDIS_URL, startWharf, TEST_DIALECT, type WharfHandle } from '../support/wharf';

/** Sessions a process runs, from its `wharf_sessions{state}` gauge (D18), by state. */
async function sessionsOn(wharf: WharfHandle): Promise<Record<string, number>> {
  const res = await new Api(wharf.url).get('/metrics', { token: wharf.adminToken });
  const states: Record<string, number> = {};
  for (const [, state, value] of res.text.matchAll(/^wharf_sessions\{state="([a-z_]+)"\} (\d+)/gm))
    if (Number(value) > 0) states[state] = Number(value);
  return states;
}

/** A key's value in the deployment's Redis (`''` when absent). */
async function redisGet(key: string): Promise<string> {
  const { stdout } = await promisify(execFile)('redis-cli', ['-u', REDIS_URL, 'GET', key]);
  return stdout.trim();
}

describe('account deletion across processes (issue 11)', () => {
  let sandbox: Sandbox;
  let db: ThrowawayDatabase;
  let a: WharfHandle;
  let b: WharfHandle;

  beforeAll(async () => {
    sandbox = await startTestSandbox();
    db = await createThrowawayDatabase(TEST_DIALECT, 'wharf_delcluster');
    a = await startWharf({ db, env: sandboxEnv(sandbox, { DELETION_WAIT_MS: '0' }) });
    const { ADMIN_TOKEN, ENCRYPTION_KEY, REDIS_KEY_PREFIX } = a.env;
    b = await startWharf({
      db,
      env: { ...sandboxEnv(sandbox), ADMIN_TOKEN, ENCRYPTION_KEY, REDIS_KEY_PREFIX },
    });
  }, 60_000);
  afterAll(async () => {
    await b?.close();
    await a?.close();
    await sandbox?.close();
    await db?.drop();
  });

  it('logs the linked instance out and stops the QR session on the owning process; the phone drops the device', async () => {
    const account = await createAccount(a, 'Cluster');
    const linked = await createInstance(a, account.token, 'linked');
    const showingQr = await createInstance(a, account.token, 'showing-qr');
    const phone = sandbox.createPhone('5511977800001', 'Cluster');
    const onB = new Api(b.url);
    // Both sessions start through B, so B holds their leases.
    await linkByQr(onB, sandbox, account.token, 'linked', phone.number);
    const qr = await onB.get('/api/instance/connect/showing-qr', { token: showingQr.token });
    expect([qr.status, qr.body.status]).toEqual([200, 'qr']);
    await waitForState(onB, account.token, 'linked', 'connected');
    const devices = () => sandbox.listPhones().find((p) => p.number === phone.number)!.devices;
    expect(devices()).toEqual([expect.objectContaining({ connected: true })]);
    await waitUntil('B to run both sessions', async () => {
      const states = await sessionsOn(b);
      return Object.values(states).reduce((sum, n) => sum + n, 0) === 2;
    });
    expect(await sessionsOn(a)).toEqual({});

    const onA = new Api(a.url);
    const res = await onA.delete(`/api/admin/accounts/${account.id}`, { token: a.adminToken });
    expect([res.status, res.body.account?.id]).toEqual([202, account.id]);
    await waitUntil(
      'the account to be gone',
      async () =>
        (await onA.get(`/api/admin/accounts/${account.id}`, { token: a.adminToken })).status ===
        404,
      30_000,
    );

    // The phone observes the companion removed (B logged it out on WhatsApp, not just stopped it).
    await waitUntil('the phone to drop the companion device', () => devices().length === 0);
    // B stopped both sessions (logout relayed for the linked one, forget for the QR one) and
    // released their leases; A never started them.
    await waitUntil(
      'B to run no session',
      async () => Object.keys(await sessionsOn(b)).length === 0,
    );
    expect(await sessionsOn(a)).toEqual({});
    for (const instance of [linked, showingQr])
      expect(await redisGet(`${a.redisPrefix}lease:${instance.id}`)).toBe('');
    // Nothing comes back: a reconcile tick later neither process restored anything.
    await new Promise((resolve) => setTimeout(resolve, 2000));
    expect([await sessionsOn(a), await sessionsOn(b), devices()]).toEqual([{}, {}, []]);
  }, 120_000);
});
