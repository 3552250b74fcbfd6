import type { BaileysEventMap, WAMessage, WAMessageKey } from 'baileys';

import { type Sandbox, startSandbox } from '../src/index';
import { linkCompanionByQr, sandboxBaileys, TestClient } from './helpers';
import { eventually } from './messaging-helpers';

jest.setTimeout(25_000);

type MessageUpdates = BaileysEventMap['messages.update'];

/** WAMessage status numbers (proto.WebMessageInfo.Status). */
const READ = 4;
const PLAYED = 5;

describe("receipts reach the reader's own devices", () => {
  const alice = '5521900000081';
  const bob = '5521900000082';
  const bobJid = `${bob}@s.whatsapp.net`;
  let sandbox: Sandbox;
  let companion: TestClient;
  const received: WAMessage[] = [];
  const companionUpdates: MessageUpdates = [];

  /** Status updates Alice's phone recorded for messages it did not send. */
  const phoneStatuses = (messageId: string): number[] =>
    sandbox
      .events(alice, 'messages.update')
      .events.flatMap((e) => e.data as MessageUpdates)
      .filter((u) => u.key.id === messageId && !u.key.fromMe && u.update.status)
      .map((u) => u.update.status as number);
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

  beforeAll(async () => {
    const b = await sandboxBaileys();
    sandbox = await startSandbox({ port: 0, controlPort: 0 });
    sandbox.createPhone(alice, 'Alice');
    sandbox.createPhone(bob, 'Bob');
    companion = TestClient.start(b, sandbox, await linkCompanionByQr(b, sandbox, alice));
    companion.sock.ev.on('messages.upsert', ({ messages }) => received.push(...messages));
    companion.sock.ev.on('messages.update', (updates) => companionUpdates.push(...updates));
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

  it("a companion's read reaches the sender and the reader's phone as READ", async () => {
    const key = await fromBob('read me');
    await companion.sock.readMessages([key]);
    await eventually(
      () => bobReceipts(key.id!),
      (statuses) => statuses.includes('read'),
    );
    await eventually(
      () => phoneStatuses(key.id!),
      (statuses) => statuses.includes(READ),
    );
    const update = sandbox
      .events(alice, 'messages.update')
      .events.flatMap((e) => e.data as MessageUpdates)
      .find((u) => u.key.id === key.id);
    expect(update?.key).toMatchObject({ remoteJid: bobJid, fromMe: false });
  });

  it('read-self reaches only the reader’s own devices, never the sender', async () => {
    const selfKey = await fromBob('read quietly');
    await companion.sock.sendReceipts([selfKey], 'read-self');
    await eventually(
      () => phoneStatuses(selfKey.id!),
      (statuses) => statuses.includes(READ),
    );
    // a later read on the same connection arrives: the read-self, handled before it, did not
    const laterKey = await fromBob('read loudly');
    await companion.sock.readMessages([laterKey]);
    await eventually(
      () => bobReceipts(laterKey.id!),
      (statuses) => statuses.includes('read'),
    );
    expect(bobReceipts(selfKey.id!)).not.toContain('read');
  });

  it("a played receipt reaches the reader's phone as PLAYED", async () => {
    const key = await fromBob('play me');
    await companion.sock.sendReceipts([key], 'played');
    await eventually(
      () => phoneStatuses(key.id!),
      (statuses) => statuses.includes(PLAYED),
    );
    await eventually(
      () => bobReceipts(key.id!),
      (statuses) => statuses.includes('played'),
    );
  });

  it("a group read reaches the reader's phone as message-receipt.update", async () => {
    const group = sandbox.createGroup(bob, 'Readers', [alice]);
    const { messageId } = await sandbox.sendMessage(bob, { to: group.jid, text: 'group read' });
    const message = await eventually(
      () => received.find((m) => m.key.id === messageId),
      (m) => m !== undefined,
    );
    await companion.sock.readMessages([message!.key]);
    await eventually(
      () => bobReceipts(messageId),
      (statuses) => statuses.includes('read'),
    );
    const receipt = await eventually(
      () =>
        sandbox
          .events(alice, 'message-receipt.update')
          .events.flatMap((e) => e.data as BaileysEventMap['message-receipt.update'])
          .find((u) => u.key.id === messageId),
      (found) => found !== undefined,
    );
    expect(receipt!.key).toMatchObject({ remoteJid: group.jid, fromMe: false });
    expect(receipt!.receipt.userJid).toBe(`${alice}@s.whatsapp.net`);
  });

  it("the phone's read reaches the account's companion", async () => {
    const key = await fromBob('read on the phone');
    await eventually(
      () => sandbox.messages(alice, bob).messages,
      (messages) => messages.some((m) => m.id === key.id),
    );
    await sandbox.read(alice, bob, [key.id!]);
    await eventually(
      () => companionUpdates,
      (updates) =>
        updates.some(
          (u) => u.key.id === key.id && !u.key.fromMe && Number(u.update.status) === READ,
        ),
    );
  });
});
