import type { AuthenticationState, BaileysEventMap, BinaryNode } from 'baileys';

import type { BaileysModule } from '../src/baileys-loader';
import { type Sandbox, startSandbox } from '../src/index';
import { control, linkCompanionByQr, sandboxBaileys, TestClient } from './helpers';
import { eventually } from './messaging-helpers';

jest.setTimeout(25_000);

type Recorded = { type: keyof BaileysEventMap; data: unknown }[];

/** The app-state events a companion emits, in order. */
const WATCHED = [
  'chats.update',
  'chats.delete',
  'labels.edit',
  'labels.association',
  'contacts.upsert',
  'messages.update',
  'creds.update',
] as const;

interface Companion {
  client: TestClient;
  auth: AuthenticationState;
  events: Recorded;
  /** `server_sync` notifications it received. */
  serverSyncs: number;
}

async function companionOf(
  b: BaileysModule,
  sandbox: Sandbox,
  number: string,
  extra: Parameters<typeof TestClient.start>[3] = {},
): Promise<Companion> {
  const auth = await linkCompanionByQr(b, sandbox, number);
  const client = TestClient.start(b, sandbox, auth, extra);
  const companion: Companion = { client, auth, events: [], serverSyncs: 0 };
  for (const type of WATCHED) {
    client.sock.ev.on(type, (data: unknown) => companion.events.push({ type, data }));
  }
  client.sock.ws.on('CB:notification', (node: BinaryNode) => {
    if (node.attrs.type === 'server_sync') companion.serverSyncs += 1;
  });
  await client.opened();
  await eventually(
    () => auth.creds.myAppStateKeyId,
    (id) => !!id,
  );
  return companion;
}

/** The `chats.update` entries a companion got for `jid`. */
function chatUpdates(companion: Companion, jid: string): Record<string, unknown>[] {
  return companion.events
    .filter((e) => e.type === 'chats.update')
    .flatMap((e) => e.data as Record<string, unknown>[])
    .filter((u) => u.id === jid);
}

describe("app-state sync between an account's devices", () => {
  const alice = '5511900000143';
  const bob = '5511900000144';
  const carol = '5511900000145';
  const bobJid = `${bob}@s.whatsapp.net`;
  const carolJid = `${carol}@s.whatsapp.net`;
  let b: BaileysModule;
  let sandbox: Sandbox;
  let first: Companion;
  let second: Companion;
  let stranger: Companion;
  const clients: TestClient[] = [];

  beforeAll(async () => {
    b = await sandboxBaileys();
    sandbox = await startSandbox({ port: 0, controlPort: 0 });
    sandbox.createPhone(alice, 'Alice');
    sandbox.createPhone(bob, 'Bob');
    sandbox.createPhone(carol, 'Carol');
    first = await companionOf(b, sandbox, alice);
    clients.push(first.client);
    second = await companionOf(b, sandbox, alice);
    clients.push(second.client);
    stranger = await companionOf(b, sandbox, bob);
    clients.push(stranger.client);
  });

  afterAll(async () => {
    await Promise.all(clients.map((client) => client.stop()));
    await sandbox?.close();
  });

  it("a companion's archive reaches the phone and the account's other companion, not another account", async () => {
    await first.client.sock.chatModify({ archive: true, lastMessages: [] }, bobJid);
    await eventually(
      () => sandbox.chats(alice),
      (chats) => chats.some((c) => c.jid === bobJid && c.archived),
    );
    await eventually(
      () => chatUpdates(second, bobJid),
      (updates) => updates.some((u) => u.archived === true),
    );
    expect(stranger.serverSyncs).toBe(0);
    expect(chatUpdates(stranger, bobJid)).toEqual([]);
    // the uploader is not notified of its own change
    expect(first.serverSyncs).toBe(0);
  });

  it('mute and delete (regular_high), pin, markRead and star (regular_low) reach the phone', async () => {
    const until = Date.now() + 3_600_000;
    await first.client.sock.chatModify({ mute: until }, carolJid);
    await first.client.sock.chatModify({ pin: true }, carolJid);
    await first.client.sock.chatModify({ markRead: false, lastMessages: [] }, carolJid);
    await first.client.sock.star(carolJid, [{ id: 'STARRED1', fromMe: false }], true);
    let chat = await eventually(
      () => sandbox.chats(alice).find((c) => c.jid === carolJid),
      (c) => !!c && c.muteEndTime === until && c.pinned !== null && c.unread === true,
    );
    expect(chat).toMatchObject({ archived: false, deleted: false });
    await eventually(
      () => sandbox.starred(alice).starred,
      (list) => list.some((m) => m.messageId === 'STARRED1' && m.chat === carolJid && !m.fromMe),
    );
    await first.client.sock.chatModify(
      {
        deleteForMe: {
          key: { remoteJid: carolJid, id: 'GONE1', fromMe: true },
          timestamp: Date.now(),
          deleteMedia: false,
        },
      },
      carolJid,
    );
    await first.client.sock.chatModify({ markRead: true, lastMessages: [] }, carolJid);
    await first.client.sock.chatModify({ delete: true, lastMessages: [] }, carolJid);
    chat = await eventually(
      () => sandbox.chats(alice).find((c) => c.jid === carolJid),
      (c) => !!c && c.deleted && c.unread === false,
    );
    expect(sandbox.starred(alice).deletedForMe).toEqual([
      { chat: carolJid, messageId: 'GONE1', fromMe: true },
    ]);
    const res = await control<{ jid: string }[]>(sandbox, 'GET', `/phones/${alice}/chats`);
    expect(res.status).toBe(200);
    expect(res.body.find((c) => c.jid === carolJid)).toEqual(chat);
  });

  it('labels (regular) and contacts (critical_unblock_low) reach the phone; the push name (critical_block) the other companion', async () => {
    await first.client.sock.addLabel('', { id: '7', name: 'VIP', color: 3, deleted: false });
    await first.client.sock.addChatLabel(bobJid, '7');
    await first.client.sock.addOrEditContact(carolJid, {
      fullName: 'Carol Smith',
      firstName: 'Carol',
      saveOnPrimaryAddressbook: true,
    });
    await first.client.sock.updateProfileName('Alicia');
    await eventually(
      () => sandbox.labels(alice),
      (labels) => labels.some((l) => l.id === '7' && l.name === 'VIP' && l.color === 3),
    );
    await eventually(
      () => sandbox.chats(alice).find((c) => c.jid === bobJid)?.labels,
      (labels) => labels?.includes('7') === true,
    );
    await eventually(
      () => sandbox.contacts(alice),
      (contacts) => contacts.some((c) => c.jid === carolJid && c.name === 'Carol Smith'),
    );
    await eventually(
      () => second.auth.creds.me?.name,
      (name) => name === 'Alicia',
    );
    const labels = await control(sandbox, 'GET', `/phones/${alice}/labels`);
    expect(labels).toEqual({
      status: 200,
      body: [{ id: '7', name: 'VIP', color: 3, deleted: false }],
    });
    await first.client.sock.addLabel('', { id: '7', name: 'VIP', color: 3, deleted: true });
    await eventually(
      () => sandbox.labels(alice),
      (list) => list.some((l) => l.id === '7' && l.deleted),
    );
    await first.client.sock.removeChatLabel(bobJid, '7');
    await eventually(
      () => sandbox.chats(alice).find((c) => c.jid === bobJid)?.labels,
      (list) => list?.length === 0,
    );
  });

  it('the phone as an actor: its archive, label and contact reach the companions', async () => {
    const archived = await control(sandbox, 'POST', `/phones/${alice}/appstate`, {
      chat: carol,
      mod: { archive: true },
    });
    expect(archived).toEqual({ status: 200, body: { chat: carolJid } });
    await eventually(
      () => chatUpdates(first, carolJid),
      (updates) => updates.some((u) => u.archived === true),
    );
    await control(sandbox, 'POST', `/phones/${alice}/labels`, { id: '9', name: 'Leads', color: 1 });
    await control(sandbox, 'POST', `/phones/${alice}/labels/9/chats`, {
      chat: carolJid,
      labeled: true,
    });
    await control(sandbox, 'POST', `/phones/${alice}/contacts`, {
      number: bob,
      fullName: 'Bob Jones',
    });
    await eventually(
      () => first.events,
      (events) =>
        events.some((e) => e.type === 'labels.edit' && (e.data as { id: string }).id === '9') &&
        events.some(
          (e) =>
            e.type === 'labels.association' &&
            JSON.stringify(e.data).includes('"labelId":"9"') &&
            JSON.stringify(e.data).includes(carolJid),
        ),
    );
    const upsert = await eventually(
      () =>
        second.events
          .filter((e) => e.type === 'contacts.upsert')
          .flatMap((e) => e.data as { id: string; name?: string; lid?: string }[])
          .find((c) => c.id === bobJid),
      (c) => !!c,
    );
    expect(upsert).toMatchObject({ name: 'Bob Jones', lid: expect.stringMatching(/@lid$/) });
    // the phone's own view folds its own changes in
    expect(sandbox.chats(alice).find((c) => c.jid === carolJid)).toMatchObject({
      archived: true,
      labels: ['9'],
    });
    expect(sandbox.contacts(alice).find((c) => c.jid === bobJid)?.name).toBe('Bob Jones');
    // nothing of it reached the other account
    expect(stranger.serverSyncs).toBe(0);
  });

  it('answers bad actor requests with 400/404 and changes nothing', async () => {
    const bad = [
      { path: `/phones/${alice}/appstate`, body: { chat: carol, mod: { archive: 'yes' } } },
      {
        path: `/phones/${alice}/appstate`,
        body: { chat: carol, mod: { archive: true, pin: true } },
      },
      { path: `/phones/${alice}/appstate`, body: { chat: 'nobody', mod: { pin: true } } },
      { path: `/phones/${alice}/appstate`, body: { chat: carol, mod: { mute: 0 } } },
      { path: `/phones/${alice}/labels`, body: { id: 'x', name: 'A', color: 1 } },
      { path: `/phones/${alice}/labels/9/chats`, body: { chat: carol } },
      { path: `/phones/${alice}/contacts`, body: { number: '12', fullName: 'X' } },
      {
        path: `/phones/${alice}/star`,
        body: { chat: carol, messageId: 'M', fromMe: 1, star: true },
      },
    ];
    const before = sandbox.chats(alice);
    for (const { path, body } of bad) {
      expect({ path, ...(await control(sandbox, 'POST', path, body)) }).toMatchObject({
        path,
        status: 400,
      });
    }
    expect(
      (
        await control(sandbox, 'POST', '/phones/5511900000149/appstate', {
          chat: carol,
          mod: { pin: true },
        })
      ).status,
    ).toBe(404);
    expect(sandbox.chats(alice)).toEqual(before);
  });
});
