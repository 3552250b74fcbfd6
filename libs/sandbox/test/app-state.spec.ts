import type { AuthenticationState } from 'baileys';

import type { BaileysModule } from '../src/baileys-loader';
import { type Sandbox, startSandbox } from '../src/index';
import { control, linkCompanionByQr, sandboxBaileys, TestClient } from './helpers';
import { eventually } from './messaging-helpers';

jest.setTimeout(20_000);

/** A companion of `number`, linked by QR and logged in, with the `creds.update`s it emitted. */
async function companionOf(
  b: BaileysModule,
  sandbox: Sandbox,
  number: string,
): Promise<{ client: TestClient; auth: AuthenticationState; keyIds: string[] }> {
  const auth = await linkCompanionByQr(b, sandbox, number);
  const client = TestClient.start(b, sandbox, auth);
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
    // a message from the phone arrives after the key would have: proof that none was sent
    const { messageId } = await sandbox.sendMessage(alice, { to: bob, text: 'ping' });
    const upserts: string[] = [];
    companion.client.sock.ev.on('messages.upsert', ({ messages }) =>
      upserts.push(...messages.map((m) => m.key.id ?? '')),
    );
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
