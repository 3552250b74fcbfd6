import { Message } from '@wharf/modules/messaging/entities/message.entity';
import { InstanceSettings } from '@wharf/modules/settings/entities/instance-settings.entity';

import { Api } from '../support/http';
import { type LinkedInstance, startLinkedInstance, waitForState } from '../support/sessions';
import { waitUntil } from '../support/wait';
import { startWharf, type WharfHandle } from '../support/wharf';

/**
 * A graceful stop (SIGTERM) while sends still wait in this process (D14): a send waiting for its
 * `sendRatePerMinute` slot stops waiting, stays `pending` — it never reached the engine — and the
 * next owner sends it. Before, the wait held the shutdown until main.ts's 25 s guard exited
 * with 1, and a waiting synchronous request held the HTTP server with it.
 */
describe('graceful stop with queued sends (D14)', () => {
  let linked: LinkedInstance;
  let successor: WharfHandle | undefined;
  const erin = { number: '5511944400001', jid: '5511944400001@s.whatsapp.net' };

  beforeAll(async () => {
    linked = await startLinkedInstance('stop', '5511944400000', [
      { number: erin.number, name: 'Erin' },
    ]);
  });
  afterAll(async () => {
    await successor?.close();
    await linked?.close();
  });

  it('stops within seconds while a send waits for its pacing slot; the successor sends it', async () => {
    const { api, ta, wharf, sandbox, instanceId } = linked;
    const paced = await api.post('/api/instance/settings/stop', {
      token: ta,
      body: { sendRatePerMinute: 1 },
    });
    expect(paced.status).toBe(200);
    const first = await api.post('/api/message/text/stop', {
      token: ta,
      body: { number: erin.number, message: 'before the stop' },
    });
    expect(first.body.status).toBe('sent');
    // A synchronous send that now waits a minute for its slot, and an async one behind it.
    const waiting = api.post('/api/message/text/stop', {
      token: ta,
      body: { number: erin.number, message: 'waiting for its slot' },
    });
    // Its row must exist before the next request is sent: two requests in flight at once may be
    // accepted in either order, and the order of acceptance is the order of sending (D14).
    const orm = await wharf.orm();
    await waitUntil(
      'the waiting send to be accepted',
      async () =>
        (await orm.em
          .fork()
          .count(Message, { instance: instanceId, content: 'waiting for its slot' })) > 0,
    );
    const queued = await api.post('/api/message/text/stop', {
      token: ta,
      headers: { Prefer: 'respond-async' },
      body: { number: erin.number, message: 'queued behind it' },
    });
    expect(queued.status).toBe(202);
    await new Promise((resolve) => setTimeout(resolve, 1_000));

    const stopAt = Date.now();
    wharf.process.child.kill('SIGTERM');
    const code = await wharf.process.exited;
    const stopMs = Date.now() - stopAt;
    expect({ code, stderr: code === 0 ? '' : wharf.process.stderr() }).toEqual({
      code: 0,
      stderr: '',
    });
    expect(stopMs).toBeLessThan(15_000);
    // The waiting request was answered before the server closed: still queued, not failed.
    const answered = await waiting;
    expect(answered.status).toBe(202);
    expect(answered.body.status).toBe('queued');
    const ids = [answered.body.messageId as string, queued.body.messageId as string];
    const rows = await orm.em
      .fork()
      .find(Message, { instance: instanceId, messageId: { $in: ids } }, { orderBy: { id: 'asc' } });
    expect(rows.map((row) => row.status)).toEqual(['pending', 'pending']);
    // The successor would pace too (a minute between the two): lift the rate while it is down.
    await orm.em
      .fork()
      .nativeUpdate(InstanceSettings, { instance: instanceId }, { sendRatePerMinute: 0 });

    const env = Object.fromEntries(Object.entries(wharf.env).filter(([name]) => name !== 'PORT'));
    successor = await startWharf({ env, db: wharf.db });
    await waitForState(new Api(successor.url), ta, 'stop', 'connected', 30_000);
    await waitUntil(
      'both queued sends on the phone',
      () => ids.every((id) => sandbox.messages(erin.number).messages.some((m) => m.id === id)),
      30_000,
    );
    const received = sandbox.messages(erin.number).messages.filter((m) => ids.includes(m.id));
    expect(received.map((m) => [m.id, m.text])).toEqual([
      [ids[0], 'waiting for its slot'],
      [ids[1], 'queued behind it'],
    ]);
  });
});
