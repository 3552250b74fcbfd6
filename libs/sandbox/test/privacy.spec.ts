import type { PresenceData, WAMessage, WAMessageKey } from 'baileys';

import { type Sandbox, startSandbox } from '../src/index';
import { control, linkCompanionByQr, sandboxBaileys, TestClient } from './helpers';
import { eventually } from './messaging-helpers';

jest.setTimeout(25_000);

describe('privacy stored per account', () => {
  const alice = '5521900000091';
  const bob = '5521900000092';
  const aliceJid = `${alice}@s.whatsapp.net`;
  let sandbox: Sandbox;
  let companion: TestClient;
  const received: WAMessage[] = [];

  const setPrivacy = (name: string, value: string) =>
    companion.sock.query({
      tag: 'iq',
      attrs: { xmlns: 'privacy', to: 's.whatsapp.net', type: 'set' },
      content: [
        { tag: 'privacy', attrs: {}, content: [{ tag: 'category', attrs: { name, value } }] },
      ],
    });
  /** Statuses of the receipts Bob's phone got for one of its messages. */
  const bobReceipts = (messageId: string): string[] =>
    sandbox
      .messages(bob)
      .receipts.filter((r) => r.messageId === messageId)
      .map((r) => r.status);
  /** Bob's phone sends Alice a text; resolves with the key Alice's companion received. */
  const fromBob = async (text: string): Promise<WAMessageKey> => {
    const { messageId } = await sandbox.sendMessage(bob, { to: alice, text });
    const found = await eventually(
      () => received.find((m) => m.key.id === messageId),
      (m) => m !== undefined,
    );
    return found!.key;
  };
  /** Alice's presence as Bob's phone last recorded it after `since`. */
  const aliceOnBob = (since: number): PresenceData[] =>
    sandbox
      .events(bob, 'presence.update', since)
      .events.map((e) => (e.data as { presences: Record<string, PresenceData> }).presences)
      .flatMap((presences) => (presences[aliceJid] ? [presences[aliceJid]] : []));

  beforeAll(async () => {
    const b = await sandboxBaileys();
    sandbox = await startSandbox({ port: 0, controlPort: 0 });
    sandbox.createPhone(alice, 'Alice');
    sandbox.createPhone(bob, 'Bob');
    companion = TestClient.start(b, sandbox, await linkCompanionByQr(b, sandbox, alice));
    companion.sock.ev.on('messages.upsert', ({ messages }) => received.push(...messages));
    await companion.opened();
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

  it('round-trips settings through fetchPrivacySettings(true) and GET /phones/:n/privacy', async () => {
    expect(await companion.sock.fetchPrivacySettings(true)).toMatchObject({
      last: 'all',
      readreceipts: 'all',
      status: 'contacts',
    });
    await companion.sock.updateLastSeenPrivacy('none');
    await companion.sock.updateOnlinePrivacy('match_last_seen');
    await companion.sock.updateGroupsAddPrivacy('contacts');
    const settings = await companion.sock.fetchPrivacySettings(true);
    expect(settings).toMatchObject({
      last: 'none',
      online: 'match_last_seen',
      groupadd: 'contacts',
      readreceipts: 'all',
    });
    const view = await control<{ privacy: Record<string, string> }>(
      sandbox,
      'GET',
      `/phones/${alice}/privacy`,
    );
    expect(view).toEqual({ status: 200, body: { privacy: settings } });
    // another account keeps the defaults
    expect((await control(sandbox, 'GET', `/phones/${bob}/privacy`)).body).toMatchObject({
      privacy: { last: 'all', online: 'all', groupadd: 'all' },
    });
  });

  it('refuses an unknown category or value with 400, storing nothing', async () => {
    const before = await companion.sock.fetchPrivacySettings(true);
    await expect(setPrivacy('readreceipts', 'sometimes')).rejects.toMatchObject({ data: 400 });
    await expect(setPrivacy('mood', 'all')).rejects.toMatchObject({ data: 400 });
    expect(await companion.sock.fetchPrivacySettings(true)).toEqual(before);
    expect((await control(sandbox, 'GET', '/phones/5521900000099/privacy')).status).toBe(404);
  });

  it('hides last seen and online from subscribers as last/online say', async () => {
    // last none + online match_last_seen (set above): Bob sees Alice offline, last seen denied
    await companion.sock.sendPresenceUpdate('available');
    await eventually(
      () => control<{ available: boolean }>(sandbox, 'GET', `/phones/${alice}/presence`),
      (res) => res.body.available,
    );
    let since = sandbox.events(bob).lastSeq;
    await control(sandbox, 'POST', `/phones/${bob}/presence/subscribe`, { to: alice });
    const hidden = await eventually(
      () => aliceOnBob(since),
      (list) => list.length > 0,
    );
    // (the event log records an absent lastSeen as null)
    expect(hidden).toEqual([
      expect.objectContaining({ lastKnownPresence: 'unavailable', lastSeen: null }),
    ]);
    await companion.sock.updateOnlinePrivacy('all');
    since = sandbox.events(bob).lastSeq;
    await control(sandbox, 'POST', `/phones/${bob}/presence/subscribe`, { to: alice });
    const shown = await eventually(
      () => aliceOnBob(since),
      (list) => list.length > 0,
    );
    expect(shown).toEqual([expect.objectContaining({ lastKnownPresence: 'available' })]);
    // going offline with last none: no last seen (last="deny")
    await companion.sock.sendPresenceUpdate('unavailable');
    const offline = await eventually(
      () => aliceOnBob(since),
      (list) => list.length > 1,
    );
    expect(offline[1]).toMatchObject({ lastKnownPresence: 'unavailable', lastSeen: null });
  });

  it('readreceipts none: the sender gets no read receipt, the reader’s phone still sees READ', async () => {
    await companion.sock.updateReadReceiptsPrivacy('none');
    const hiddenKey = await fromBob('read with receipts off');
    // the cached settings say all: Baileys sends a plain read, which the server keeps from Bob
    await companion.sock.sendReceipts([hiddenKey], 'read');
    await eventually(
      () =>
        sandbox
          .events(alice, 'messages.update')
          .events.flatMap((e) => e.data as { key: WAMessageKey; update: { status?: number } }[])
          .some((u) => u.key.id === hiddenKey.id && u.update.status === 4),
      (seen) => seen,
    );
    await companion.sock.updateReadReceiptsPrivacy('all');
    const shownKey = await fromBob('read with receipts on');
    await companion.sock.sendReceipts([shownKey], 'read');
    await eventually(
      () => bobReceipts(shownKey.id!),
      (statuses) => statuses.includes('read'),
    );
    expect(bobReceipts(hiddenKey.id!)).toEqual(['delivered']);
  });

  it('keeps the settings in the exported state', async () => {
    const state = await sandbox.exportState();
    expect(state.phones.find((p) => p.number === alice)?.privacy).toMatchObject({
      last: 'none',
      online: 'all',
      groupadd: 'contacts',
      readreceipts: 'all',
    });
    expect(state.phones.find((p) => p.number === bob)?.privacy).toBeUndefined();
  });
});
