import { randomBytes } from 'node:crypto';
import { Readable } from 'node:stream';

import { ConfigService } from '@nestjs/config';
import { DomainError } from '@wharf/common/errors';
import { toDomainError } from '@wharf/common/errors/all-exceptions.filter';
import type { AllConfig } from '@wharf/config';
import {
  MediaUnavailableError,
  MESSAGES_NOT_SUPPORTED,
  type NumberLookup,
  type SessionMe,
  type SessionState,
  WhatsAppSession,
} from '@wharf/whatsapp';
import Redis from 'ioredis';

import { SessionCommandRelay } from './session-command.relay';
import {
  InvalidSessionCommandArgsError,
  RELAY_MEDIA_MAX_BYTES,
  SESSION_COMMANDS,
  SessionCommandRegistry,
  UnknownSessionCommandError,
} from './session-commands';
import { InstanceNotConnectedError } from './session-errors';

/** A session built on the port's interfaces: connected, with a few facet operations. */
class FakeSession extends WhatsAppSession {
  override readonly messages: WhatsAppSession['messages'];
  override readonly contacts: WhatsAppSession['contacts'];

  constructor(
    private readonly current: SessionState,
    media: Buffer = Buffer.alloc(0),
  ) {
    super();
    this.messages = {
      ...MESSAGES_NOT_SUPPORTED,
      downloadMedia: (raw) =>
        raw.broken
          ? Promise.reject(new MediaUnavailableError('The message has no media'))
          : Promise.resolve(Readable.from([media.subarray(0, 3), media.subarray(3)])),
    };
    this.contacts = {
      lookupNumbers: (numbers) =>
        Promise.resolve(
          numbers.map((number): NumberLookup => ({
            number,
            exists: true,
            jid: `${number}@s.whatsapp.net`,
          })),
        ),
    };
  }

  get state(): SessionState {
    return this.current;
  }

  get me(): SessionMe | null {
    return { jid: '5511900000001:1@s.whatsapp.net', lid: null, name: 'Fake' };
  }

  async start(): Promise<void> {}
  async stop(): Promise<void> {}
  async logout(): Promise<void> {}
}

describe('SessionCommandRegistry', () => {
  const registry = new SessionCommandRegistry();
  const connected = new FakeSession('connected', Buffer.from('media bytes'));

  it('refuses an unknown command by name', async () => {
    await expect(registry.runLocal(connected, 'chats.nothing', {})).rejects.toThrow(
      new UnknownSessionCommandError('chats.nothing'),
    );
    expect(() => registry.get('toString')).toThrow(UnknownSessionCommandError);
  });

  it('refuses bad arguments with a 400 naming the command and the field', async () => {
    for (const [name, args, field] of [
      ['contacts.lookupNumbers', { numbers: ['12ab'] }, 'numbers'],
      ['contacts.lookupNumbers', { numbers: [] }, 'numbers'],
      ['contacts.lookupNumbers', null, 'arguments'],
      ['messages.downloadMedia', { raw: 'x' }, 'raw'],
      ['messages.downloadMedia', { raw: {}, maxBytes: -1 }, 'maxBytes'],
      ['calls.reject', { callId: 'a' }, 'callerJid'],
      ['presence.setOwn', { presence: 'away' }, 'presence'],
      ['presence.setInChat', { chatJid: 'a@s.whatsapp.net', presence: 'typing' }, 'presence'],
      [
        'presence.setInChat',
        { chatJid: 'a@s.whatsapp.net', presence: 'composing', pauseAfterMs: 60_001 },
        'pauseAfterMs',
      ],
      ['presence.setInChat', { presence: 'paused' }, 'chatJid'],
      ['messages.read', { key: { chatJid: 'a@s.whatsapp.net' } }, 'id'],
      ['messages.read', { key: 'x' }, 'arguments'],
      ['messages.read', { key: { chatJid: 'a@g.us', id: 'X', participant: 7 } }, 'participant'],
      ['privacy.block', { jid: '' }, 'jid'],
      ['privacy.unblock', {}, 'jid'],
      ['privacy.blocklist', [], 'arguments'],
      ['chats.archive', { chatJid: 'a@s.whatsapp.net', archive: 'yes' }, 'archive'],
      [
        'chats.archive',
        { chatJid: 'a@s.whatsapp.net', archive: true, lastMessage: { id: 'X', fromMe: true } },
        'lastMessage.timestamp',
      ],
      ['chats.pin', { chatJid: '', pin: true }, 'chatJid'],
      ['chats.mute', { chatJid: 'a@s.whatsapp.net', untilMs: -5 }, 'untilMs'],
      ['chats.markRead', { chatJid: 'a@s.whatsapp.net' }, 'read'],
      [
        'chats.deleteForMe',
        {
          message: { chatJid: 'a@s.whatsapp.net', id: 'X', fromMe: true },
          timestamp: 'soon',
          deleteMedia: false,
        },
        'timestamp',
      ],
      ['chats.revoke', { message: { chatJid: 'a@s.whatsapp.net', id: 'X' } }, 'fromMe'],
      ['chats.star', { chatJid: 'a@s.whatsapp.net', messages: [], star: true }, 'messages'],
      ['chats.resync', { scope: 'some' }, 'scope'],
      ['labels.edit', { id: 'x1', name: 'A', color: 1, deleted: false }, 'id'],
      ['labels.edit', { id: '1', name: 'A', color: 30, deleted: false }, 'color'],
      ['labels.addToChat', { chatJid: 'a@s.whatsapp.net', labelId: '' }, 'labelId'],
    ] as const) {
      const error = (await registry
        .runLocal(connected, name, args)
        .catch((err: unknown) => err)) as DomainError;
      expect(error).toBeInstanceOf(InvalidSessionCommandArgsError);
      expect(error).toMatchObject({ status: 400, code: 'INVALID_SESSION_COMMAND_ARGS' });
      expect(error.message).toContain(name);
      expect(error.message).toContain(field);
    }
  });

  it('runs the facet operation, and answers 503 when a command needs a connection', async () => {
    await expect(
      registry.runLocal(connected, 'contacts.lookupNumbers', { numbers: ['5511900000002'] }),
    ).resolves.toEqual([
      { number: '5511900000002', exists: true, jid: '5511900000002@s.whatsapp.net' },
    ]);
    const idle = new FakeSession('disconnected');
    await expect(
      registry.runLocal(idle, 'contacts.lookupNumbers', { numbers: ['5511900000002'] }),
    ).rejects.toBeInstanceOf(InstanceNotConnectedError);
    // `me` needs no connection.
    await expect(registry.runLocal(idle, 'session.me', {})).resolves.toMatchObject({
      name: 'Fake',
    });
  });

  it('carries media as base64 on the wire, bounded by maxBytes', async () => {
    const wire = await registry.runForRelay(connected, 'messages.downloadMedia', { raw: {} });
    expect(wire).toEqual({ base64: Buffer.from('media bytes').toString('base64') });
    expect(SESSION_COMMANDS['messages.downloadMedia'].fromWire!(wire)).toEqual(
      Buffer.from('media bytes'),
    );
    await expect(
      registry.runForRelay(connected, 'messages.downloadMedia', { raw: {}, maxBytes: 5 }),
    ).rejects.toMatchObject({ status: 409, code: 'SESSION_OWNED_ELSEWHERE' });
    expect(RELAY_MEDIA_MAX_BYTES).toBe(64 * 1024 * 1024);
  });
});

describe('SessionCommandRelay with the registry (real Redis)', () => {
  const keyPrefix = `wharf-unit:${randomBytes(6).toString('hex')}:`;
  const config = new ConfigService<AllConfig, true>({ redis: { keyPrefix } } as never);
  const redis = new Redis(process.env.WHARF_TEST_REDIS_URL ?? 'redis://127.0.0.1:6379');
  const owner = new SessionCommandRelay(redis, config);
  const caller = new SessionCommandRelay(redis, config);
  const registry = new SessionCommandRegistry();
  const session = new FakeSession('connected', Buffer.from('relayed media'));

  beforeAll(async () => {
    owner.serve('owner', (op, _instanceId, args) => registry.runForRelay(session, op, args));
    caller.serve('caller', () => Promise.reject(new Error('the caller owns nothing')));
    await owner.onModuleInit();
    await caller.onModuleInit();
  });
  afterAll(async () => {
    await owner.onApplicationShutdown();
    await caller.onApplicationShutdown();
    await redis.quit();
  });

  it('runs a command on the owner and brings the result back', async () => {
    await expect(
      caller.send('owner', 'contacts.lookupNumbers', 'i1', { numbers: ['5511900000003'] }, 5_000),
    ).resolves.toEqual([
      { number: '5511900000003', exists: true, jid: '5511900000003@s.whatsapp.net' },
    ]);
    const wire = await caller.send('owner', 'messages.downloadMedia', 'i1', { raw: {} }, 5_000);
    expect(SESSION_COMMANDS['messages.downloadMedia'].fromWire!(wire)).toEqual(
      Buffer.from('relayed media'),
    );
  });

  it("carries the owner's errors back as their D2 envelope", async () => {
    const unknown = await caller
      .send('owner', 'chats.nothing', 'i1', {}, 5_000)
      .catch((e: unknown) => e);
    expect(unknown).toBeInstanceOf(DomainError);
    expect(unknown).toMatchObject({ status: 400, code: 'UNKNOWN_SESSION_COMMAND' });
    const invalid = await caller
      .send('owner', 'contacts.lookupNumbers', 'i1', { numbers: 'x' }, 5_000)
      .catch((e: unknown) => e);
    expect(invalid).toMatchObject({ status: 400, code: 'INVALID_SESSION_COMMAND_ARGS' });
    // An engine error crosses as the envelope the error table gives it (toDomainError).
    const engine = await caller
      .send('owner', 'messages.downloadMedia', 'i1', { raw: { broken: true } }, 5_000)
      .catch((e: unknown) => e);
    const expected = toDomainError(new MediaUnavailableError('The message has no media'));
    expect(engine).toBeInstanceOf(DomainError);
    expect(engine).toMatchObject({
      status: expected.status,
      code: expected.code,
      message: expected.message,
    });
  });

  it('answers 409 when no process serves the owner id', async () => {
    await expect(caller.send('nobody', 'session.me', 'i1', {}, 2_000)).rejects.toMatchObject({
      status: 409,
      code: 'SESSION_OWNED_ELSEWHERE',
    });
  });
});
