import { type Sandbox, startSandbox } from '../src/index';
import { PhoneEventLog, toJsonSafe } from '../src/phone-events';
import { control, linkCompanionByQr, sandboxBaileys, TestClient } from './helpers';
import { eventually } from './messaging-helpers';

jest.setTimeout(15_000);

describe('PhoneEventLog', () => {
  it('copies payloads JSON-safe and filters by type and sequence', () => {
    const log = new PhoneEventLog();
    log.record('chats.update', [{ id: 'a@s.whatsapp.net', archived: true }]);
    log.record('labels.edit', { id: '1', name: 'VIP', color: 2, bytes: Buffer.from('hi') });
    log.record('chats.update', [{ id: 'b@s.whatsapp.net', pinned: 5n }]);
    expect(log.lastSeq).toBe(3);
    expect(log.list('chats.update').map((e) => e.seq)).toEqual([1, 3]);
    expect(log.list(undefined, 1).map((e) => e.type)).toEqual(['labels.edit', 'chats.update']);
    expect(log.list('labels.edit')[0].data).toEqual({
      id: '1',
      name: 'VIP',
      color: 2,
      bytes: 'aGk=',
    });
    expect(toJsonSafe({ n: 2n ** 60n, f: () => 1 })).toEqual({ n: '1152921504606846976' });
  });
});

describe('GET /phones/:n/events', () => {
  const alice = '5511900000031';
  const bob = '5511900000032';
  let sandbox: Sandbox;
  let companion: TestClient;

  beforeAll(async () => {
    const b = await sandboxBaileys();
    sandbox = await startSandbox({ port: 0, controlPort: 0 });
    sandbox.createPhone(alice, 'Alice');
    sandbox.createPhone(bob, 'Bob');
    companion = TestClient.start(b, sandbox, await linkCompanionByQr(b, sandbox, alice));
    await companion.opened();
  });

  afterAll(async () => {
    await companion?.stop();
    await sandbox?.close();
  });

  it("records what the counterpart's phone observed: an edit arrives as messages.update", async () => {
    const sent = await companion.sock.sendMessage(`${bob}@s.whatsapp.net`, { text: 'frist' });
    const key = sent!.key;
    await eventually(
      () => sandbox.messages(bob, alice).messages,
      (messages) => messages.some((m) => m.id === key.id),
    );
    const since = sandbox.events(bob).lastSeq;
    await companion.sock.sendMessage(`${bob}@s.whatsapp.net`, { text: 'first', edit: key });
    const res = await eventually(
      () =>
        control<{ events: { seq: number; type: string; data: unknown }[] }>(
          sandbox,
          'GET',
          `/phones/${bob}/events?type=messages.update&since=${since}`,
        ),
      (r) => r.body.events.length > 0,
    );
    expect(res.status).toBe(200);
    expect(JSON.stringify(res.body.events[0].data)).toContain('first');
    expect(res.body.events.every((e) => e.seq > since && e.type === 'messages.update')).toBe(true);
  });

  it('answers 400 for a bad since and 404 for an unknown phone', async () => {
    expect((await control(sandbox, 'GET', `/phones/${bob}/events?since=-1`)).status).toBe(400);
    expect((await control(sandbox, 'GET', '/phones/5511900000039/events')).status).toBe(404);
  });
});
