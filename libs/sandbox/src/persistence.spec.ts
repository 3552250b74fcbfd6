import type { BinaryNode, WAMessage } from 'baileys';

import { control, linkCompanionByQr, sandboxBaileys, TestClient } from '../test/helpers';
import { eventually } from '../test/messaging-helpers';
import type { BaileysModule } from './baileys-loader';
import { type Sandbox, type SandboxState, startSandbox } from './index';

/** What a companion saw on the wire: the `<enc type>` of each message, and retry receipts. */
interface Wire {
  encTypes: string[];
  retries: number;
  upserts: WAMessage[];
}

function watch(client: TestClient): Wire {
  const wire: Wire = { encTypes: [], retries: 0, upserts: [] };
  client.sock.ws.on('CB:message', (node: BinaryNode) => {
    for (const child of Array.isArray(node.content) ? node.content : []) {
      if (child.tag === 'enc') {
        wire.encTypes.push(child.attrs.type);
      }
    }
  });
  client.sock.ws.on('CB:receipt', (node: BinaryNode) => {
    if (node.attrs.type === 'retry') {
      wire.retries += 1;
    }
  });
  client.sock.ev.on('messages.upsert', ({ messages }) => wire.upserts.push(...messages));
  return wire;
}

function textOf(b: BaileysModule, message: WAMessage | undefined): string | null | undefined {
  const content = b.normalizeMessageContent(message?.message);
  return content?.conversation ?? content?.extendedTextMessage?.text;
}

describe('sandbox state: export, restart, restore', () => {
  const alice = '5511900000091';
  const bob = '5511900000092';
  const aliceJid = `${alice}@s.whatsapp.net`;
  const bobJid = `${bob}@s.whatsapp.net`;
  let b: BaileysModule;
  const sandboxes: Sandbox[] = [];
  const clients: TestClient[] = [];

  const start = async (state?: SandboxState): Promise<Sandbox> => {
    const sandbox = await startSandbox({ port: 0, controlPort: 0, state });
    sandboxes.push(sandbox);
    return sandbox;
  };
  const connect = (sandbox: Sandbox, auth: Parameters<typeof TestClient.start>[2]) => {
    const client = TestClient.start(b, sandbox, auth);
    clients.push(client);
    return { client, wire: watch(client) };
  };

  /** Companion → Bob, then Bob → Alice (the companion); resolves with both message ids. */
  async function exchange(sandbox: Sandbox, client: TestClient, wire: Wire, label: string) {
    const sent = await client.sock.sendMessage(bobJid, { text: `${label}: companion to Bob` });
    const sentId = sent?.key.id as string;
    const atBob = await eventually(
      () => sandbox.messages(bob, alice).messages,
      (messages) => messages.some((m) => m.id === sentId),
    );
    expect(atBob.find((m) => m.id === sentId)).toMatchObject({
      text: `${label}: companion to Bob`,
      from: aliceJid,
    });
    const { messageId: replyId } = await sandbox.sendMessage(bob, {
      to: alice,
      text: `${label}: Bob to Alice`,
    });
    const upserts = await eventually(
      () => wire.upserts,
      (list) => list.some((m) => m.key.id === replyId),
    );
    expect(
      textOf(
        b,
        upserts.find((m) => m.key.id === replyId),
      ),
    ).toBe(`${label}: Bob to Alice`);
    return { sentId, replyId };
  }

  beforeAll(async () => {
    b = await sandboxBaileys();
  });

  afterAll(async () => {
    await Promise.all(clients.map((client) => client.stop()));
    for (const sandbox of sandboxes) {
      await sandbox.close();
    }
  });

  it('brings a linked companion back without a QR code, with its Signal sessions and queued stanzas', async () => {
    const first = await start();
    first.createPhone(alice, 'Alice');
    first.createPhone(bob, 'Bob');
    const auth = await linkCompanionByQr(b, first, alice);
    const before = connect(first, auth);
    await before.client.opened();
    const earlier = await exchange(first, before.client, before.wire, 'before');
    await before.client.stop();
    // queued for the companion while it is away; delivered after the restart
    const { messageId: queuedId } = await first.sendMessage(bob, { to: alice, text: 'queued' });
    const queuedFor = (saved: SandboxState) =>
      saved.offlineQueues.filter((queue) =>
        queue.stanzas.some((node) => node.tag === 'message' && node.attrs.id === queuedId),
      );
    const exported = await eventually(
      () => first.exportState(),
      (saved) => queuedFor(saved).length > 0,
    );
    const state = JSON.parse(JSON.stringify(exported)) as SandboxState;
    expect(state).toEqual(exported);
    expect(queuedFor(state)).toEqual([expect.objectContaining({ number: alice, deviceId: 1 })]);
    const phonesBefore = first.listPhones();
    await first.close();

    const second = await start(state);
    expect(second.listPhones()).toEqual(
      phonesBefore.map((phone) => ({
        ...phone,
        primary: { ...phone.primary, connected: expect.any(Boolean) },
        devices: phone.devices.map((device) => ({ ...device, connected: false })),
      })),
    );
    const after = connect(second, auth);
    await after.client.opened();
    expect(after.client.updates.some((update) => update.qr)).toBe(false);
    expect(auth.creds.me?.id).toBe(`${alice}:1@s.whatsapp.net`);

    const queued = await eventually(
      () => after.wire.upserts,
      (list) => list.some((m) => m.key.id === queuedId),
    );
    expect(
      textOf(
        b,
        queued.find((m) => m.key.id === queuedId),
      ),
    ).toBe('queued');
    await exchange(second, after.client, after.wire, 'after');

    // Bob's primary went on with its session to the companion (a lost one would have made it
    // start a new session, a pkmsg), and every device decrypted what it got with its restored keys
    // (a failure would have come back as a retry receipt). Sessions to primaries (device 0) say
    // less: Baileys renews them itself (assertSessions(force)) on a new socket's first device list.
    expect(after.wire.encTypes.length).toBeGreaterThanOrEqual(2);
    expect(after.wire.encTypes.every((type) => type === 'msg')).toBe(true);
    expect(after.wire.retries).toBe(0);
    // the phones kept what they had received
    expect(second.messages(bob, alice).messages.map((m) => m.id)).toContain(earlier.sentId);
    expect(second.listPhones().find((p) => p.number === alice)?.devices).toEqual([
      expect.objectContaining({ id: 1, connected: true }),
    ]);
  });

  it('serves the state on GET /state and refuses a state of another version', async () => {
    const sandbox = await start();
    sandbox.createPhone('5511900000093', 'Cleo');
    const res = await control<SandboxState>(sandbox, 'GET', '/state');
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({
      version: 2,
      appState: [],
      phones: [
        expect.objectContaining({
          number: '5511900000093',
          name: 'Cleo',
          lid: expect.stringMatching(/^\d{15}$/),
          devices: [],
        }),
      ],
    });
    const restored = await start(res.body);
    expect(restored.listPhones().map((p) => p.number)).toEqual(['5511900000093']);
    await expect(
      startSandbox({ port: 0, controlPort: 0, state: { ...res.body, version: 3 as 2 } }),
    ).rejects.toThrow('sandbox state version 3 is not supported (expected 1 or 2)');
    // a version 1 state (before app state) is still read
    const { appState: _dropped, ...v1 } = res.body;
    const upgraded = await start({ ...v1, version: 1 });
    expect(upgraded.listPhones().map((p) => p.number)).toEqual(['5511900000093']);
  });
});
