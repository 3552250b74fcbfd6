import type { WACallEvent } from 'baileys';

import type { BaileysModule } from '../src/baileys-loader';
import { type CallView, type Sandbox, startSandbox } from '../src/index';
import { control, linkCompanionByQr, sandboxBaileys, TestClient } from './helpers';
import { eventually } from './messaging-helpers';

describe('calls from a phone to a companion', () => {
  const caller = '5511900000007';
  const callee = '5511900000008';
  let b: BaileysModule;
  let sandbox: Sandbox;
  let client: TestClient;
  const events: WACallEvent[] = [];

  const nextCall = (match: (call: WACallEvent) => boolean): Promise<WACallEvent> =>
    new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error('no call event')), 5000);
      const check = (): void => {
        const found = events.find(match);
        if (found) {
          clearTimeout(timer);
          client.sock.ev.off('call', check);
          resolve(found);
        }
      };
      client.sock.ev.on('call', check);
      check();
    });

  beforeAll(async () => {
    b = await sandboxBaileys();
    sandbox = await startSandbox({ port: 0, controlPort: 0, callTimeoutMs: 1000 });
    await control(sandbox, 'POST', '/phones', { number: caller, name: 'Caller' });
    await control(sandbox, 'POST', '/phones', { number: callee, name: 'Callee' });
    const auth = await linkCompanionByQr(b, sandbox, callee);
    client = TestClient.start(b, sandbox, auth);
    client.sock.ev.on('call', (calls) => events.push(...calls));
    await client.opened();
  });

  afterAll(async () => {
    await client.stop();
    await sandbox.close();
  });

  it('rings the companion with an offer and records the rejection', async () => {
    const placed = await control<CallView>(sandbox, 'POST', `/phones/${caller}/call`, {
      to: `${callee}@s.whatsapp.net`,
    });
    expect(placed.status).toBe(201);
    expect(placed.body).toMatchObject({ to: `${callee}@s.whatsapp.net`, status: 'ringing' });
    const callId: string = placed.body.id;

    const offer = await nextCall((call) => call.id === callId && call.status === 'offer');
    expect(offer).toMatchObject({
      from: `${caller}@s.whatsapp.net`,
      chatId: `${caller}@s.whatsapp.net`,
      isVideo: false,
      isGroup: false,
    });

    await client.sock.rejectCall(offer.id, offer.from);
    const calls = await control<CallView[]>(sandbox, 'GET', `/phones/${caller}/calls`);
    expect(calls.body).toEqual([
      {
        id: callId,
        to: `${callee}@s.whatsapp.net`,
        status: 'rejected',
        at: expect.any(String),
        endedAt: expect.any(String),
      },
    ]);
  });

  it('ends an unanswered call as timeout and tells the companion', async () => {
    const placed = await control<CallView>(sandbox, 'POST', `/phones/${caller}/call`, {
      to: callee,
    });
    const callId: string = placed.body.id;
    await nextCall((call) => call.id === callId && call.status === 'offer');
    const timeout = await nextCall((call) => call.id === callId && call.status === 'timeout');
    expect(timeout.from).toBe(`${caller}@s.whatsapp.net`);
    const calls = await control<CallView[]>(sandbox, 'GET', `/phones/${caller}/calls`);
    expect(calls.body.find((call) => call.id === callId)).toMatchObject({
      status: 'timeout',
      endedAt: expect.any(String),
    });
  });

  it('never rings a callee that blocked the caller; the call ends as timeout', async () => {
    await client.sock.updateBlockStatus(`${caller}@s.whatsapp.net`, 'block');
    try {
      const placed = await control<CallView>(sandbox, 'POST', `/phones/${caller}/call`, {
        to: callee,
      });
      const callId: string = placed.body.id;
      const ended = await eventually(
        async () =>
          (await control<CallView[]>(sandbox, 'GET', `/phones/${caller}/calls`)).body.find(
            (call) => call.id === callId,
          ),
        (call) => call?.status === 'timeout',
      );
      expect(ended).toMatchObject({ status: 'timeout', endedAt: expect.any(String) });
      // Neither the offer nor the timeout reached the blocker's device.
      expect(events.filter((call) => call.id === callId)).toEqual([]);
    } finally {
      await client.sock.updateBlockStatus(`${caller}@s.whatsapp.net`, 'unblock');
    }
  });
});
