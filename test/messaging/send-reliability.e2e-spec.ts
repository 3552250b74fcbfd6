import { EventLog } from '@wharf/modules/events/entities/event-log.entity';
import { Message } from '@wharf/modules/messaging/entities/message.entity';

import { Api } from '../support/http';
import { type LinkedInstance, sandboxEnv, startLinkedInstance } from '../support/sessions';
import { waitUntil } from '../support/wait';
import { startWharf, type WharfHandle } from '../support/wharf';

/**
 * D14 "nothing accepted is lost": 500 sends accepted with `Prefer: respond-async`, Wharf
 * SIGKILLed while they go out, restarted on the same database and Redis. Every accepted message
 * must end on the phone exactly once, or fail loudly (row `failed` with a reason and a
 * `message.status` `server_error`) — never stay pending, never vanish, never arrive twice.
 */
describe('send reliability across a SIGKILL (D14)', () => {
  const TOTAL = 500;
  // A lease long enough that a loaded CI machine never loses it mid-burst (the 3 s test default
  // can lapse when two suites saturate both cores); the restart waits it out once.
  const LEASE = { SESSION_LEASE_TTL_MS: '8000' };
  const carol = { number: '5511933300001', jid: '5511933300001@s.whatsapp.net' };
  let linked: LinkedInstance;
  let wharf: WharfHandle;

  beforeAll(async () => {
    linked = await startLinkedInstance(
      'bulk',
      '5511933300000',
      [{ number: carol.number, name: 'Carol' }],
      { sendRatePerMinute: 120 },
      LEASE,
    );
    wharf = linked.wharf;
  });
  afterAll(async () => {
    await wharf?.close();
    await linked?.sandbox.close();
  });

  it(`resolves all ${TOTAL} accepted sends after a SIGKILL mid-stream: sent once or failed loudly`, async () => {
    const { sandbox, ta, instanceId, ownJid } = linked;
    const api = new Api(wharf.url);
    const receivedIds = () =>
      sandbox
        .messages(carol.number)
        .messages.filter((m) => m.chat === ownJid || m.chatAlt === ownJid)
        .map((m) => m.id);

    // Accept everything while the instance is paced to 2 sends/s, then lift the pacing: the
    // backlog streams out at full speed and the SIGKILL lands in the middle of it.
    const accepted: string[] = [];
    for (let start = 0; start < TOTAL; start += 25) {
      const batch = await Promise.all(
        Array.from({ length: Math.min(25, TOTAL - start) }, (_, i) =>
          api.post('/api/message/text/bulk', {
            token: ta,
            headers: { prefer: 'respond-async' },
            body: { number: carol.number, message: `bulk ${start + i}` },
          }),
        ),
      );
      for (const res of batch) {
        expect(res.status).toBe(202);
        accepted.push(res.body.messageId);
      }
    }
    const unpaced = await api.post('/api/instance/settings/bulk', {
      token: ta,
      body: { sendRatePerMinute: 0 },
    });
    expect(unpaced.status).toBe(200);
    await waitUntil('some sends to reach the phone', () => receivedIds().length >= 100, 60_000, 20);
    await wharf.kill();
    const beforeKill = receivedIds().length;
    expect(TOTAL - beforeKill).toBeGreaterThanOrEqual(100); // a backlog was cut off

    wharf = await startWharf({
      db: wharf.db,
      env: {
        ...sandboxEnv(sandbox, LEASE),
        ADMIN_TOKEN: wharf.adminToken,
        ENCRYPTION_KEY: wharf.encryptionKey,
        REDIS_KEY_PREFIX: wharf.redisPrefix,
      },
    });
    const orm = await wharf.orm();
    const unresolved = () =>
      orm.em.fork().count(Message, {
        instance: instanceId,
        direction: 'outgoing',
        status: { $in: ['pending', 'sending'] },
      });
    await waitUntil('every accepted send to be resolved', async () => (await unresolved()) === 0, 200_000, 250);

    const rows = await orm.em.fork().find(Message, { instance: instanceId, direction: 'outgoing' });
    const stored = new Set(rows.map((row) => row.messageId));
    expect(accepted.filter((id) => !stored.has(id))).toEqual([]); // nothing accepted vanished
    const failed = rows.filter((row) => row.status === 'failed');
    const sent = rows.filter((row) => row.status !== 'failed');
    await waitUntil(
      'every sent message on the phone',
      () => sent.every((row) => receivedIds().includes(row.messageId)),
      60_000,
    );
    const received = receivedIds();
    // Exactly once: no accepted id twice on the phone.
    const counts = new Map<string, number>();
    for (const id of received) counts.set(id, (counts.get(id) ?? 0) + 1);
    expect([...counts.values()].filter((n) => n > 1)).toEqual([]);
    // Interrupted mid-send: at most the one in flight per lane, each failed with its reason.
    expect(failed.map((row) => row.error).filter((e) => !e?.startsWith('Interrupted'))).toEqual([]);
    expect(failed.length).toBeLessThanOrEqual(2);
    const events = await orm.em.fork().find(EventLog, { instance: instanceId, event: 'message.status' });
    for (const row of failed)
      expect(
        events.some(
          (e) =>
            e.data.status === 'server_error' &&
            (e.data.messageIds as string[]).includes(row.messageId),
        ),
      ).toBe(true);
    // After the restart the recovered sends go out in the order they were accepted (row order).
    const afterKill = new Set(received.slice(beforeKill));
    const byAcceptance = [...rows]
      .sort((a, b) => a.createdAt.getTime() - b.createdAt.getTime() || (a.id < b.id ? -1 : 1))
      .map((row) => row.messageId)
      .filter((id) => afterKill.has(id));
    expect(received.slice(beforeKill).filter((id) => afterKill.has(id))).toEqual(byAcceptance);
    console.info(
      `[send-reliability] ${accepted.length} accepted; ${beforeKill} on the phone at the SIGKILL; after restart ${sent.length} sent once, ${failed.length} failed loudly (interrupted mid-send), 0 lost, 0 duplicated`,
    );
  }, 360_000);
});
