import type { PresenceData } from 'baileys';

import { type Sandbox, startSandbox } from '../src/index';
import { control, linkCompanionByQr, sandboxBaileys, TestClient } from './helpers';
import { eventually } from './messaging-helpers';

jest.setTimeout(25_000);

/** A `presence.update` payload as the phone events record it. */
interface PresenceUpdate {
  id: string;
  presences: Record<string, PresenceData>;
}

describe('presence and chat states', () => {
  const alice = '5521900000061';
  const bob = '5521900000062';
  const carol = '5521900000063';
  const jid = (number: string): string => `${number}@s.whatsapp.net`;
  let sandbox: Sandbox;
  let companion: TestClient;
  /** `presence.update` events Alice's companion received. */
  const companionSaw: PresenceUpdate[] = [];

  /** `presence.update` events the phone recorded after `since`. */
  const presenceOn = (number: string, since: number): PresenceUpdate[] =>
    sandbox.events(number, 'presence.update', since).events.map((e) => e.data as PresenceUpdate);

  /** Waits until `number`'s phone recorded a presence of `who` in `chat` with this state. */
  const phoneSees = (
    number: string,
    since: number,
    chat: string,
    who: string,
    state: PresenceData['lastKnownPresence'],
  ): Promise<PresenceUpdate[]> =>
    eventually(
      () => presenceOn(number, since),
      (updates) =>
        updates.some((u) => u.id === chat && u.presences[who]?.lastKnownPresence === state),
    );

  beforeAll(async () => {
    const b = await sandboxBaileys();
    sandbox = await startSandbox({ port: 0, controlPort: 0 });
    for (const [number, name] of [
      [alice, 'Alice'],
      [bob, 'Bob'],
      [carol, 'Carol'],
    ]) {
      sandbox.createPhone(number, name);
    }
    companion = TestClient.start(b, sandbox, await linkCompanionByQr(b, sandbox, alice));
    companion.sock.ev.on('presence.update', (update) => companionSaw.push(update));
    await companion.opened();
    // sendPresenceUpdate('available') needs a push name, as Wharf's sessions have one
    companion.sock.authState.creds.me = { ...companion.sock.authState.creds.me!, name: 'Alice' };
    await eventually(
      () => sandbox.listPhones(),
      (phones) => phones.every((phone) => phone.primary.connected),
    );
  });

  afterAll(async () => {
    await companion?.stop();
    await sandbox?.close();
  });

  it('forwards composing, recording and paused to every device of the recipient', async () => {
    const since = sandbox.events(bob).lastSeq;
    await companion.sock.sendPresenceUpdate('composing', jid(bob));
    await phoneSees(bob, since, jid(alice), jid(alice), 'composing');
    await companion.sock.sendPresenceUpdate('recording', jid(bob));
    await phoneSees(bob, since, jid(alice), jid(alice), 'recording');
    await companion.sock.sendPresenceUpdate('paused', jid(bob));
    // Baileys reports <paused/> as available (handlePresenceUpdate)
    const updates = await phoneSees(bob, since, jid(alice), jid(alice), 'available');
    expect(updates.map((u) => u.presences[jid(alice)].lastKnownPresence)).toEqual([
      'composing',
      'recording',
      'available',
    ]);
    // a chat state is not an account's own event: Carol saw none of it
    expect(presenceOn(carol, 0)).toEqual([]);
  });

  it("forwards a group chat state to every other member's devices with the participant", async () => {
    const group = sandbox.createGroup(alice, 'Typing club', [bob, carol]);
    const sinceAlice = sandbox.events(alice).lastSeq;
    const sinceBob = sandbox.events(bob).lastSeq;
    const sinceCarol = sandbox.events(carol).lastSeq;
    await companion.sock.sendPresenceUpdate('composing', group.jid);
    await phoneSees(bob, sinceBob, group.jid, jid(alice), 'composing');
    await phoneSees(carol, sinceCarol, group.jid, jid(alice), 'composing');
    // the sender's own phone is not told that its account types
    await companion.sock.sendPresenceUpdate('paused', group.jid);
    await phoneSees(carol, sinceCarol, group.jid, jid(alice), 'available');
    expect(presenceOn(alice, sinceAlice)).toEqual([]);
  });

  it('answers a subscription with the current presence and sends later changes', async () => {
    const since = sandbox.events(bob).lastSeq;
    const subscribed = await control(sandbox, 'POST', `/phones/${bob}/presence/subscribe`, {
      to: alice,
    });
    expect(subscribed.status).toBe(200);
    await phoneSees(bob, since, jid(alice), jid(alice), 'unavailable');
    await companion.sock.sendPresenceUpdate('available');
    await phoneSees(bob, since, jid(alice), jid(alice), 'available');
    expect((await control(sandbox, 'GET', `/phones/${alice}/presence`)).body).toMatchObject({
      available: true,
    });
    const before = Math.floor(Date.now() / 1000);
    await companion.sock.sendPresenceUpdate('unavailable');
    const updates = await eventually(
      () => presenceOn(bob, since),
      (list) => list.filter((u) => u.presences[jid(alice)]?.lastSeen).length > 0,
    );
    const last = updates.find((u) => u.presences[jid(alice)]?.lastSeen)!.presences[jid(alice)];
    expect(last.lastKnownPresence).toBe('unavailable');
    expect(last.lastSeen).toBeGreaterThanOrEqual(before);
  });

  it('lets the phone send a chat state over the wire (POST /phones/:n/presence)', async () => {
    const res = await control(sandbox, 'POST', `/phones/${bob}/presence`, {
      type: 'composing',
      to: alice,
    });
    expect(res.status).toBe(200);
    await eventually(
      () => companionSaw,
      (seen) => seen.some((u) => u.presences[jid(bob)]?.lastKnownPresence === 'composing'),
    );
    const bad = await control(sandbox, 'POST', `/phones/${bob}/presence`, { type: 'typing' });
    expect(bad.status).toBe(400);
    const noTo = await control(sandbox, 'POST', `/phones/${bob}/presence`, { type: 'paused' });
    expect(noTo.status).toBe(400);
  });
});
