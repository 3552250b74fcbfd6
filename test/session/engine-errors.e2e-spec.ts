import { createThrowawayDatabase, type ThrowawayDatabase } from '../../scripts/db-tools';
import { createAccount, createInstance } from '../support/fixtures';
import { Api } from '../support/http';
import { type Sandbox, sandboxEnv, startTestSandbox } from '../support/sessions';
import { startWharf, TEST_DIALECT, type WharfHandle } from '../support/wharf';

/**
 * Errors of the WhatsApp engine reach clients with their own status and literal (issue 12 §1,
 * `src/common/errors/engine-errors.ts`), also when the session runs on another process and the
 * command is relayed to it (D20) — before, both answered 500 `INTERNAL_ERROR`.
 */
describe('engine errors through HTTP (issue 12 §1)', () => {
  let sandbox: Sandbox;
  let db: ThrowawayDatabase;
  let owner: WharfHandle;
  let other: WharfHandle;
  let ta: string;

  beforeAll(async () => {
    sandbox = await startTestSandbox();
    db = await createThrowawayDatabase(TEST_DIALECT, 'wharf_engine_errors');
    owner = await startWharf({ db, env: sandboxEnv(sandbox) });
    const { ADMIN_TOKEN, ENCRYPTION_KEY, REDIS_KEY_PREFIX } = owner.env;
    other = await startWharf({
      db,
      env: { ...sandboxEnv(sandbox), ADMIN_TOKEN, ENCRYPTION_KEY, REDIS_KEY_PREFIX },
    });
    ta = (await createAccount(owner, 'Engine errors')).token;
  });
  afterAll(async () => {
    await other?.close();
    await owner?.close();
    await sandbox?.close();
    await db?.drop();
  });

  // Numbers the route's pattern lets through but D13 (E.164: no leading zero, at most 15
  // digits) refuses: the engine's InvalidJidError once the session is waiting to be linked.
  const notE164 = ['0011 2345-6789', '+1234567890123456'];

  it('a pairing code for a number that is not E.164: 400 INVALID_JID, the number not echoed', async () => {
    await createInstance(owner, ta, 'bad-pairing-number');
    const api = new Api(owner.url);
    for (const number of notE164) {
      const res = await api.get(
        `/api/instance/connect/bad-pairing-number?number=${encodeURIComponent(number)}`,
        { token: ta },
      );
      expect(res.status).toBe(400);
      expect(res.body).toEqual({
        success: false,
        error: { message: 'Invalid phone number or JID', code: 'INVALID_JID' },
      });
    }
    // The session still waits to be linked: a QR is answered as before.
    const qr = await api.get('/api/instance/connect/bad-pairing-number', { token: ta });
    expect(qr.body).toMatchObject({ success: true, status: 'qr' });
    // Documented among the route's 400s (D18).
    const doc = (await api.get('/docs-json')).body;
    const documented = doc.paths['/api/instance/connect/{instance}'].get.responses['400'];
    expect(documented.content['application/json'].examples.INVALID_JID.value).toEqual({
      success: false,
      error: { message: 'Invalid phone number or JID', code: 'INVALID_JID' },
    });
  });

  it('relayed to the owning process, the engine error keeps its status and literal (not 500)', async () => {
    const instance = await createInstance(owner, ta, 'relayed-pairing');
    // The owner runs the session (waiting for a QR scan) ...
    const qr = await new Api(owner.url).get('/api/instance/connect/relayed-pairing', {
      token: instance.token,
    });
    expect(qr.body).toMatchObject({ success: true, status: 'qr' });
    // ... so the other process relays the pairing request to it, and the answer back.
    const res = await new Api(other.url).get(
      `/api/instance/connect/relayed-pairing?number=${encodeURIComponent(notE164[0])}`,
      { token: instance.token },
    );
    expect(res.status).toBe(400);
    expect(res.body).toEqual({
      success: false,
      error: { message: 'Invalid phone number or JID', code: 'INVALID_JID' },
    });
  });
});
