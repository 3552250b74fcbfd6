import type { AuthenticationState, BinaryNode } from 'baileys';

import type { BaileysModule } from '../src/baileys-loader';
import { type Sandbox, type SandboxState, startSandbox } from '../src/index';
import { control, linkCompanionByQr, sandboxBaileys, TestClient } from './helpers';
import { eventually } from './messaging-helpers';

jest.setTimeout(25_000);

/** A companion of `number`, linked by QR and logged in, with the `creds.update`s it emitted. */
async function companionOf(
  b: BaileysModule,
  sandbox: Sandbox,
  number: string,
  extra: Parameters<typeof TestClient.start>[3] = {},
): Promise<{ client: TestClient; auth: AuthenticationState; keyIds: string[] }> {
  const auth = await linkCompanionByQr(b, sandbox, number);
  const client = TestClient.start(b, sandbox, auth, extra);
  const keyIds: string[] = [];
  client.sock.ev.on('creds.update', ({ myAppStateKeyId }) => {
    if (myAppStateKeyId) {
      keyIds.push(myAppStateKeyId);
    }
  });
  await client.opened();
  return { client, auth, keyIds };
}

describe('app-state key share', () => {
  const alice = '5511900000141';
  const bob = '5511900000142';
  let b: BaileysModule;
  let sandbox: Sandbox;
  const clients: TestClient[] = [];

  beforeAll(async () => {
    b = await sandboxBaileys();
    sandbox = await startSandbox({ port: 0, controlPort: 0 });
    sandbox.createPhone(alice, 'Alice');
    sandbox.createPhone(bob, 'Bob');
  });

  afterAll(async () => {
    await Promise.all(clients.map((client) => client.stop()));
    await sandbox?.close();
  });

  it("gives a companion that logs in the phone's key (creds.update myAppStateKeyId)", async () => {
    const companion = await companionOf(b, sandbox, alice);
    clients.push(companion.client);
    await eventually(
      () => companion.keyIds,
      (ids) => ids.length > 0,
    );
    const keyId = Buffer.from(companion.keyIds[0], 'base64');
    expect(keyId).toHaveLength(6);
    expect([...keyId.subarray(0, 4)]).toEqual([0, 0, 0, 0]);
    expect(companion.auth.creds.myAppStateKeyId).toBe(companion.keyIds[0]);
    const stored = await companion.auth.keys.get('app-state-sync-key', [companion.keyIds[0]]);
    expect(stored[companion.keyIds[0]]?.keyData).toHaveLength(32);
  });

  it('withholds the key when told to; share-key sends it on demand and chatModify then works', async () => {
    expect(
      (await control(sandbox, 'POST', `/phones/${bob}/appstate/key-share`, { enabled: 'no' }))
        .status,
    ).toBe(400);
    const off = await control(sandbox, 'POST', `/phones/${bob}/appstate/key-share`, {
      enabled: false,
    });
    expect(off).toEqual({ status: 200, body: { enabled: false } });
    const companion = await companionOf(b, sandbox, bob);
    clients.push(companion.client);
    // the phone's own message reaches the companion (as a copy of what it sent): a key share,
    // sent at the companion's login, would have come first
    const upserts: string[] = [];
    companion.client.sock.ev.on('messages.upsert', ({ messages }) =>
      upserts.push(...messages.map((m) => m.key.id ?? '')),
    );
    const { messageId } = await sandbox.sendMessage(bob, { to: alice, text: 'ping' });
    await eventually(
      () => upserts,
      (ids) => ids.includes(messageId),
    );
    expect(companion.auth.creds.myAppStateKeyId).toBeUndefined();
    await expect(
      companion.client.sock.chatModify(
        { archive: true, lastMessages: [] },
        `${alice}@s.whatsapp.net`,
      ),
    ).rejects.toThrow('App state key not present');

    expect(
      (await control(sandbox, 'POST', `/phones/${bob}/appstate/share-key`, { deviceId: 9 })).status,
    ).toBe(404);
    const shared = await control(sandbox, 'POST', `/phones/${bob}/appstate/share-key`, {});
    expect(shared).toEqual({ status: 200, body: { sharedWith: [1] } });
    await eventually(
      () => companion.keyIds,
      (ids) => ids.length > 0,
    );
    await companion.client.sock.chatModify(
      { archive: true, lastMessages: [] },
      `${alice}@s.whatsapp.net`,
    );
    await eventually(
      () => sandbox.chats(bob),
      (chats) => chats.some((c) => c.jid === `${alice}@s.whatsapp.net` && c.archived),
    );
  });
});

/** `<iq xmlns="w:sync:app:state">` with one `<collection>` (an upload when `patch` is given). */
function syncIq(name: string, version: number, patch?: Uint8Array): BinaryNode {
  const collection: BinaryNode = {
    tag: 'collection',
    attrs: { name, version: String(version), return_snapshot: 'false' },
    ...(patch ? { content: [{ tag: 'patch', attrs: {}, content: patch }] } : {}),
  };
  return {
    tag: 'iq',
    attrs: { to: 's.whatsapp.net', type: 'set', xmlns: 'w:sync:app:state' },
    content: [{ tag: 'sync', attrs: {}, content: [collection] }],
  };
}

/** The `<collection>` of a sync answer and its patches. */
function collectionOf(
  b: BaileysModule,
  answer: BinaryNode,
): { attrs: Record<string, string>; patches: Buffer[] } {
  const collection = b.getBinaryNodeChild(b.getBinaryNodeChild(answer, 'sync'), 'collection');
  const patches = b.getBinaryNodeChildren(b.getBinaryNodeChild(collection, 'patches'), 'patch');
  return {
    attrs: collection?.attrs ?? {},
    patches: patches.map((patch) => Buffer.from(patch.content as Uint8Array)),
  };
}

describe('app-state store: conflicts, paging, restart', () => {
  const alice = '5511900000146';
  const bob = '5511900000147';
  const bobJid = `${bob}@s.whatsapp.net`;
  let b: BaileysModule;
  const sandboxes: Sandbox[] = [];
  const clients: TestClient[] = [];

  beforeAll(async () => {
    b = await sandboxBaileys();
  });

  afterAll(async () => {
    await Promise.all(clients.map((client) => client.stop()));
    for (const sandbox of sandboxes) {
      await sandbox.close();
    }
  });

  it('refuses an upload at a stale version, pages a fetch from 0, and keeps the patches over a restart', async () => {
    const sandbox = await startSandbox({ port: 0, controlPort: 0 });
    sandboxes.push(sandbox);
    sandbox.createPhone(alice, 'Alice');
    sandbox.createPhone(bob, 'Bob');
    const first = await companionOf(b, sandbox, alice);
    clients.push(first.client);
    await eventually(
      () => first.keyIds,
      (ids) => ids.length > 0,
    );
    const sock = first.client.sock;
    // 101 patches: one more than a page; the last one pins the chat
    for (let i = 0; i <= 100; i++) {
      await sock.chatModify({ pin: i % 2 === 0 }, bobJid);
    }
    await expect(
      sock.query(syncIq('regular_low', 5, b.proto.SyncdPatch.encode({}).finish())),
    ).rejects.toThrow('conflict');

    const page1 = collectionOf(b, await sock.query(syncIq('regular_low', 0)));
    expect(page1.attrs).toMatchObject({
      name: 'regular_low',
      version: '100',
      has_more_patches: 'true',
    });
    expect(page1.patches).toHaveLength(100);
    expect(page1.patches.map((p) => Number(b.proto.SyncdPatch.decode(p).version?.version))).toEqual(
      Array.from({ length: 100 }, (_, i) => i + 1),
    );
    const page2 = collectionOf(b, await sock.query(syncIq('regular_low', 100)));
    expect(page2.attrs).toEqual({ name: 'regular_low', version: '101' });
    expect(page2.patches).toHaveLength(1);
    const empty = collectionOf(b, await sock.query(syncIq('regular', 0)));
    expect(empty).toEqual({ attrs: { name: 'regular', version: '0' }, patches: [] });
    // the phone applied all 101 in order (it checks the patch MACs)
    await eventually(
      () => sandbox.chats(alice).find((c) => c.jid === bobJid),
      (chat) => chat?.pinned !== null && chat !== undefined,
    );

    // a companion linked now fetches everything from version 0, over two pages, MACs checked
    const late = await companionOf(b, sandbox, alice, {
      appStateMacVerification: { patch: true, snapshot: true },
    });
    clients.push(late.client);
    await eventually(
      () => late.keyIds,
      (ids) => ids.length > 0,
    );
    const lateUpdates: { id?: string | null; pinned?: number | null }[] = [];
    late.client.sock.ev.on('chats.update', (updates) => lateUpdates.push(...updates));
    await late.client.sock.resyncAppState(['regular_low'], false);
    await eventually(
      () => lateUpdates.filter((u) => u.id === bobJid),
      (updates) => updates.length > 0 && typeof updates[updates.length - 1].pinned === 'number',
    );

    // restart from the saved state: the patches and the phone's key and app state survive
    await first.client.stop();
    await late.client.stop();
    const state = JSON.parse(JSON.stringify(await sandbox.exportState())) as SandboxState;
    expect(state.appState?.find((a) => a.number === alice)).toMatchObject({
      keySharedWith: [1, 2],
      keyShareEnabled: true,
    });
    await sandbox.close();
    const restarted = await startSandbox({ port: 0, controlPort: 0, state });
    sandboxes.push(restarted);
    const again = TestClient.start(b, restarted, first.auth);
    clients.push(again);
    await again.opened();
    const restored = collectionOf(b, await again.sock.query(syncIq('regular_low', 100)));
    expect(restored.attrs).toEqual({ name: 'regular_low', version: '101' });
    expect(restored.patches[0]).toEqual(page2.patches[0]);
    await again.sock.chatModify({ archive: true, lastMessages: [] }, bobJid);
    await eventually(
      () => restarted.chats(alice).find((c) => c.jid === bobJid),
      (chat) => chat?.archived === true,
    );
  });
});
