import { type Sandbox, startSandbox } from '@wharf/sandbox';
import {
  InMemoryAuthStateStore,
  InvalidJidError,
  PairingCodeUnavailableError,
} from '@wharf/whatsapp';

import { sandboxSession, type SessionProbe } from './helpers';

async function typeCodeOnPhone(sandbox: Sandbox, number: string, code: string): Promise<void> {
  const until = Date.now() + 3_000;
  for (;;) {
    try {
      await sandbox.pair(number, code);
      return;
    } catch (err) {
      if ((err as { status?: number }).status !== 404 || Date.now() > until) {
        throw err;
      }
      await new Promise((resolve) => setTimeout(resolve, 25));
    }
  }
}

describe('BaileysSession: linking by pairing code against the sandbox', () => {
  const number = '5511910000002';
  let sandbox: Sandbox;
  const probes: SessionProbe[] = [];

  beforeAll(async () => {
    sandbox = await startSandbox({ port: 0, controlPort: 0 });
    sandbox.createPhone(number, 'Bob');
  });

  afterAll(async () => {
    await Promise.all(probes.map((probe) => probe.session.stop()));
    await sandbox.close();
  });

  it('requests a code right after start, the phone types it, and the session connects', async () => {
    const store = new InMemoryAuthStateStore();
    const probe = sandboxSession(sandbox, store);
    probes.push(probe);
    await probe.session.start();
    // D13 punctuation is accepted; the session waits for its registration stream itself
    const code = await probe.session.requestPairingCode('+55 (11) 91000-0002');
    expect(code).toMatch(/^[A-Z0-9]{8}$/);
    expect(probe.connection.at(-1)).toEqual({
      state: 'connecting',
      reason: 'pairing_code',
      pairingCode: code,
    });

    // companion_hello is sent without waiting for an answer, so the sandbox may not have it yet
    await typeCodeOnPhone(sandbox, number, code);
    const connected = await probe.nextConnection((event) => event.state === 'connected');
    expect(connected).toMatchObject({ jid: `${number}:1@s.whatsapp.net`, isNewLogin: true });
    const afterCode = probe.trail.slice(probe.trail.indexOf('connecting/pairing_code'));
    expect(afterCode).toEqual([
      'connecting/pairing_code',
      'connecting/restart_required',
      'connected/connected',
    ]);
    expect(await store.loadCreds()).not.toBeNull();
  });

  it('refuses a pairing code for a session that is already linked', async () => {
    await expect(probes[0].session.requestPairingCode(number)).rejects.toBeInstanceOf(
      PairingCodeUnavailableError,
    );
  });

  it('refuses a pairing code before start and for an invalid number', async () => {
    const probe = sandboxSession(sandbox, new InMemoryAuthStateStore());
    probes.push(probe);
    await expect(probe.session.requestPairingCode(number)).rejects.toThrow(
      new PairingCodeUnavailableError('The session is not started'),
    );
    await expect(probe.session.requestPairingCode('12ab')).rejects.toBeInstanceOf(InvalidJidError);
  });
});
