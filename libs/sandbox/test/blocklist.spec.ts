import type { BaileysEventMap, PresenceData } from 'baileys';

import { type Sandbox, startSandbox } from '../src/index';
import { lidForNumber } from '../src/jid';
import { control, linkCompanionByQr, sandboxBaileys, TestClient } from './helpers';
import { eventually } from './messaging-helpers';

jest.setTimeout(25_000);

type BlocklistUpdate = BaileysEventMap['blocklist.update'];

describe('blocklist stored per account', () => {
  const alice = '5521900000071';
  const bob = '5521900000072';
  const aliceJid = `${alice}@s.whatsapp.net`;
  const bobJid = `${bob}@s.whatsapp.net`;
  const bobLid = `${lidForNumber(bob)}@lid`;
  let sandbox: Sandbox;
  let companion: TestClient;
  /** `blocklist.update` events and the texts of messages Alice's companion received. */
  const companionBlocklist: BlocklistUpdate[] = [];
  const companionTexts: string[] = [];

  /** `blocklist.update` events Alice's phone recorded after `since`. */
  const phoneBlocklist = (since: number): BlocklistUpdate[] =>
    sandbox.events(alice, 'blocklist.update', since).events.map((e) => e.data as BlocklistUpdate);
  /** Texts Alice's phone received from Bob. */
  const phoneTexts = (): (string | undefined)[] =>
    sandbox.messages(alice, bob).messages.map((m) => m.text);
  /** Chat states of Bob Alice's phone recorded. */
  const bobStatesOnAlice = (): string[] =>
    sandbox
      .events(alice, 'presence.update')
      .events.map((e) => e.data as { id: string; presences: Record<string, PresenceData> })
      .filter((u) => u.id === bobJid)
      .map((u) => u.presences[bobJid].lastKnownPresence);
  /** Statuses of the receipts Bob's phone got for one message. */
  const receiptsOf = (messageId: string): string[] =>
    sandbox
      .messages(bob)
      .receipts.filter((r) => r.messageId === messageId)
      .map((r) => r.status);

  beforeAll(async () => {
    const b = await sandboxBaileys();
    sandbox = await startSandbox({ port: 0, controlPort: 0 });
    sandbox.createPhone(alice, 'Alice');
    sandbox.createPhone(bob, 'Bob');
    companion = TestClient.start(b, sandbox, await linkCompanionByQr(b, sandbox, alice));
    companion.sock.ev.on('blocklist.update', (update) => companionBlocklist.push(update));
    companion.sock.ev.on('messages.upsert', ({ messages }) => {
      for (const m of messages) {
        const text = m.message?.conversation ?? m.message?.extendedTextMessage?.text;
        if (text) companionTexts.push(text);
      }
    });
    await companion.opened();
    await eventually(
      () => sandbox.listPhones(),
      (phones) => phones.every((phone) => phone.primary.connected),
    );
  });

  afterAll(async () => {
    await companion?.stop();
    await sandbox?.close();
  });

  it("stores a companion's block: fetchBlocklist lists the LID, the phone gets blocklist.update", async () => {
    const since = sandbox.events(alice).lastSeq;
    await companion.sock.updateBlockStatus(bobJid, 'block');
    expect(await companion.sock.fetchBlocklist()).toEqual([bobLid]);
    expect(sandbox.blocklist(alice)).toEqual({ blocklist: [{ jid: bobLid, pn: bobJid }] });
    const updates = await eventually(
      () => phoneBlocklist(since),
      (list) => list.length > 0,
    );
    expect(updates).toEqual([{ blocklist: [bobLid], type: 'add' }]);
    // the device that blocked is not notified of its own change
    expect(companionBlocklist).toEqual([]);
    // Bob's account blocked nobody
    expect(sandbox.blocklist(bob)).toEqual({ blocklist: [] });
  });

  it("keeps Bob's messages, chat states and receipts from Alice until she unblocks him", async () => {
    const blocked = await sandbox.sendMessage(bob, { to: alice, text: 'while blocked' });
    const typing = await control(sandbox, 'POST', `/phones/${bob}/presence`, {
      type: 'composing',
      to: alice,
    });
    expect(typing.status).toBe(200);
    const since = sandbox.events(alice).lastSeq;
    await companion.sock.updateBlockStatus(bobJid, 'unblock');
    expect(await companion.sock.fetchBlocklist()).toEqual([]);
    await eventually(
      () => phoneBlocklist(since),
      (list) => list.some((u) => u.type === 'remove' && u.blocklist[0] === bobLid),
    );
    const after = await sandbox.sendMessage(bob, { to: alice, text: 'after unblock' });
    await control(sandbox, 'POST', `/phones/${bob}/presence`, { type: 'recording', to: alice });
    // the later message and chat state arrive; what came while blocked never does
    await eventually(phoneTexts, (texts) => texts.includes('after unblock'));
    await eventually(
      () => companionTexts,
      (texts) => texts.includes('after unblock'),
    );
    await eventually(bobStatesOnAlice, (states) => states.includes('recording'));
    await eventually(
      () => receiptsOf(after.messageId),
      (statuses) => statuses.includes('delivered'),
    );
    expect(phoneTexts()).toEqual(['after unblock']);
    expect(companionTexts).toEqual(['after unblock']);
    expect(bobStatesOnAlice()).toEqual(['recording']);
    expect(receiptsOf(blocked.messageId)).toEqual([]);
  });

  it('lets the phone block and unblock over the wire; its companion hears of it', async () => {
    const blocked = await control(sandbox, 'POST', `/phones/${alice}/block`, {
      number: bob,
      action: 'block',
    });
    expect(blocked).toEqual({ status: 200, body: { blocklist: [{ jid: bobLid, pn: bobJid }] } });
    await eventually(
      () => companionBlocklist,
      (list) => list.some((u) => u.type === 'add'),
    );
    expect(companionBlocklist).toEqual([{ blocklist: [bobLid], type: 'add' }]);
    expect(await companion.sock.fetchBlocklist()).toEqual([bobLid]);
    const listed = await control(sandbox, 'GET', `/phones/${alice}/blocklist`);
    expect(listed.body).toEqual({ blocklist: [{ jid: bobLid, pn: bobJid }] });

    const unblocked = await sandbox.block(alice, bob, 'unblock');
    expect(unblocked).toEqual({ blocklist: [] });
    await eventually(
      () => companionBlocklist,
      (list) => list.some((u) => u.type === 'remove'),
    );
  });

  it('refuses a bad action, a non-user JID or oneself, changing nothing', async () => {
    const set = (attrs: Record<string, string>) =>
      companion.sock.query({
        tag: 'iq',
        attrs: { xmlns: 'blocklist', to: 's.whatsapp.net', type: 'set' },
        content: [{ tag: 'item', attrs }],
      });
    await expect(set({ action: 'mute', jid: bobLid })).rejects.toMatchObject({ data: 400 });
    await expect(set({ action: 'block', jid: '120363000000000001@g.us' })).rejects.toMatchObject({
      data: 400,
    });
    await expect(set({ action: 'block', jid: aliceJid })).rejects.toMatchObject({ data: 400 });
    expect(sandbox.blocklist(alice)).toEqual({ blocklist: [] });
    const badAction = await control(sandbox, 'POST', `/phones/${alice}/block`, {
      number: bob,
      action: 'mute',
    });
    expect(badAction.status).toBe(400);
    const unknown = await control(sandbox, 'POST', `/phones/${alice}/block`, {
      number: '5521900000079',
      action: 'block',
    });
    expect(unknown.status).toBe(404);
    expect((await control(sandbox, 'GET', '/phones/5521900000079/blocklist')).status).toBe(404);
  });

  it('keeps the blocklist in the exported state', async () => {
    await sandbox.block(alice, bob, 'block');
    const state = await sandbox.exportState();
    expect(state.phones.find((p) => p.number === alice)?.blocklist).toEqual([
      { jid: bobLid, pn: bobJid },
    ]);
    const restored = await startSandbox({ port: 0, controlPort: 0, state });
    try {
      expect(restored.blocklist(alice)).toEqual({ blocklist: [{ jid: bobLid, pn: bobJid }] });
      expect(restored.blocklist(bob)).toEqual({ blocklist: [] });
    } finally {
      await restored.close();
    }
    await sandbox.block(alice, bob, 'unblock');
  });
});
