/**
 * Session commands through the process that does NOT own the session (issue 12 §3): a route
 * served by any process of a cluster runs its engine operation on the owner with
 * `sessions.run(instance, 'facet.operation', args)` over the Redis relay. One test per facet that
 * has a route today: `messages.downloadMedia` (GET media `downloadUrl`, then `chat/base64`) and
 * `contacts.lookupNumbers` (the D13 9th-digit check of a send).
 */
import { createThrowawayDatabase, type ThrowawayDatabase } from '../../scripts/db-tools';
import { createAccount, createInstance } from '../support/fixtures';
import { Api } from '../support/http';
import {
  allEvents,
  linkByQr,
  type Sandbox,
  sandboxEnv,
  startTestSandbox,
} from '../support/sessions';
import { waitUntil } from '../support/wait';
import { startWharf, TEST_DIALECT, type WharfHandle } from '../support/wharf';

describe('session commands run through the non-owner process (issue 12 §3)', () => {
  let sandbox: Sandbox;
  let db: ThrowawayDatabase;
  let owner: WharfHandle;
  let other: WharfHandle;
  let api: Api;
  let ta: string;
  let instanceId: string;
  let instanceToken: string;
  let ownJid: string;
  const dan = { number: '5511944400001', name: 'Dan' };

  beforeAll(async () => {
    sandbox = await startTestSandbox();
    db = await createThrowawayDatabase(TEST_DIALECT, 'wharf_cmds');
    // Media is not stored on receipt, so a read through the other process must reach the owner.
    const env = { ...sandboxEnv(sandbox), MEDIA_AUTO_DOWNLOAD: 'false' };
    owner = await startWharf({ db, env });
    const { ADMIN_TOKEN, ENCRYPTION_KEY, REDIS_KEY_PREFIX } = owner.env;
    ta = (await createAccount(owner, 'Commands')).token;
    const instance = await createInstance(owner, ta, 'cmds');
    instanceId = instance.id;
    instanceToken = instance.token;
    sandbox.createPhone('5511944400000', 'Commands');
    sandbox.createPhone(dan.number, dan.name);
    ownJid = (await linkByQr(new Api(owner.url), sandbox, ta, 'cmds', '5511944400000'))
      .numberJid as string;
    other = await startWharf({
      db,
      env: { ...env, ADMIN_TOKEN, ENCRYPTION_KEY, REDIS_KEY_PREFIX },
    });
    api = new Api(other.url);
  });
  afterAll(async () => {
    await other?.close();
    await owner?.close();
    await sandbox?.close();
    await db?.drop();
  });

  it('messages.downloadMedia: the other process serves a downloadUrl it never stored, with the owner’s session', async () => {
    const bytes = Buffer.concat([Buffer.from('%PDF-1.4\n'), Buffer.alloc(3000, 7)]);
    const { messageId } = await sandbox.sendMessage(dan.number, {
      to: ownJid,
      document: { data: bytes.toString('base64'), mimetype: 'application/pdf', fileName: 'x.pdf' },
    });
    const event = await waitUntil(
      `message.exchange of ${messageId}`,
      async () =>
        (await allEvents(owner, instanceId)).find(
          (e) => e.event === 'message.exchange' && e.data.id === messageId,
        ),
      20_000,
    );
    const path = new URL((event!.data as any).message.media.downloadUrl).pathname;
    const before = await api.get(`/api/chat/base64/cmds?messageId=${messageId}`, { token: ta });
    expect(before.status).toBe(404);

    const res = await fetch(`${other.url}${path}`, { headers: { token: ta } });
    expect(res.status).toBe(200);
    expect(Buffer.from(await res.arrayBuffer()).equals(bytes)).toBe(true);
    expect(res.headers.get('content-length')).toBe(String(bytes.length));
    // Stored by the other process now: chat/base64 answers there.
    const after = await api.get(`/api/chat/base64/cmds?messageId=${messageId}`, { token: ta });
    expect(after.body).toMatchObject({
      mime_type: 'application/pdf',
      base64: bytes.toString('base64'),
    });
  });

  it('contacts.lookupNumbers: a send through the other process resolves the 9th digit with the owner’s session (D13)', async () => {
    const old = sandbox.createPhone('551188800002', 'Old number');
    const send = await api.post('/api/message/text/cmds', {
      token: instanceToken,
      body: { number: '5511988800002', message: 'looked up on the owner' },
    });
    expect([send.status, send.body.data?.chat?.jid]).toEqual([200, old.jid]);
    await waitUntil('the old number to get the message', () =>
      sandbox.messages(old.number).messages.some((m) => m.id === send.body.messageId),
    );
    const missing = await api.post('/api/message/text/cmds', {
      token: instanceToken,
      body: { number: '5511988800099', message: 'anyone?' },
    });
    expect([missing.status, missing.body.error]).toEqual([
      400,
      { message: 'Number is not on WhatsApp', code: 'NUMBER_NOT_ON_WHATSAPP' },
    ]);
  });

  it('answers 503 on the other process once no process runs the session', async () => {
    const { messageId } = await sandbox.sendMessage(dan.number, {
      to: ownJid,
      document: {
        data: Buffer.from('%PDF-1.4\nlate').toString('base64'),
        mimetype: 'application/pdf',
        fileName: 'late.pdf',
      },
    });
    await waitUntil(`message.exchange of ${messageId}`, async () =>
      (await allEvents(owner, instanceId)).some(
        (e) => e.event === 'message.exchange' && e.data.id === messageId,
      ),
    );
    const logout = await api.delete('/api/instance/logout/cmds', { token: instanceToken });
    expect(logout.status).toBe(200);
    const res = await fetch(`${other.url}/api/media/cmds/${messageId}`, { headers: { token: ta } });
    expect(res.status).toBe(503);
    expect(((await res.json()) as any).error).toEqual({
      message: 'Instance is not connected to WhatsApp',
      code: 'INSTANCE_NOT_CONNECTED',
    });
  });
});
