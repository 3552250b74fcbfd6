import { Readable } from 'node:stream';

import { HttpStatus } from '@nestjs/common';
import { DomainError } from '@wharf/common/errors';
import type {
  AppStateScope,
  ChatPresence,
  LastMessageRef,
  MessageRef,
  MuteUntil,
  NumberLookup,
  OwnPresence,
  ReadKey,
  SentMessage,
  SessionMe,
  WhatsAppSession,
} from '@wharf/whatsapp';

import { InstanceNotConnectedError, SessionOwnedElsewhereError } from './session-errors';

/**
 * The largest binary result (media) that crosses the Redis relay, bytes: 64 MiB, the default of
 * MEDIA_STORE_MAX_FILE_BYTES. Binary results travel base64-encoded in the JSON reply, so a
 * reply is at most ~86 MiB; a larger file read through a process that does not own the session
 * answers 409 `SESSION_OWNED_ELSEWHERE` (streaming across processes is not built).
 */
export const RELAY_MEDIA_MAX_BYTES = 64 * 1024 * 1024;

/**
 * 400 `INVALID_SESSION_COMMAND_ARGS`: a session command got arguments its parser refuses (on
 * either process: the JSON that crossed Redis is parsed again on the owner). `message` names the
 * command and the field.
 */
export class InvalidSessionCommandArgsError extends DomainError {
  constructor(command: string, problem: string) {
    super(HttpStatus.BAD_REQUEST, 'INVALID_SESSION_COMMAND_ARGS', `${command}: ${problem}`);
  }
}

/** 400 `UNKNOWN_SESSION_COMMAND`: no command of that name is registered (e.g. a newer peer). */
export class UnknownSessionCommandError extends DomainError {
  constructor(command: string) {
    super(HttpStatus.BAD_REQUEST, 'UNKNOWN_SESSION_COMMAND', `Unknown session command ${command}`);
  }
}

/**
 * The session commands: name (`'<facet>.<operation>'`) → the arguments a caller passes and the
 * result it gets back. Arguments are JSON (they cross Redis when another process owns the
 * session); results are JSON too except where a command says otherwise.
 */
export interface SessionCommands {
  /** The own account (`me`), null while not linked. Does not need a connection. */
  'session.me': { args: Record<string, never>; result: SessionMe | null };
  /**
   * The plaintext media of a stored message (D15). `raw` is the engine message as stored;
   * `maxBytes` bounds what crosses the relay (at most {@link RELAY_MEDIA_MAX_BYTES}). Locally
   * the engine's stream; relayed a Buffer (base64 on the wire).
   */
  'messages.downloadMedia': {
    args: { raw: Record<string, unknown>; maxBytes?: number };
    result: Readable | Buffer;
  };
  /** A plain text message (the call-reject message). */
  'messages.sendText': { args: { toJid: string; text: string }; result: SentMessage };
  /** Which numbers (digits, country code first) have WhatsApp (D13). */
  'contacts.lookupNumbers': { args: { numbers: string[] }; result: NumberLookup[] };
  /** Own presence (keepOnlineStatus). */
  'presence.setOwn': { args: { presence: OwnPresence }; result: void };
  /** Rejects an incoming call (autoRejectCalls). */
  'calls.reject': { args: { callId: string; callerJid: string }; result: void };
  /**
   * A chat state in `chatJid` (docs/API.md §3.3 `presence`); with `pauseAfterMs` (1–60 000) the
   * owner sends `paused` that long after `composing`/`recording` (not awaited by the caller).
   */
  'presence.setInChat': {
    args: { chatJid: string; presence: ChatPresence; pauseAfterMs?: number };
    result: void;
  };
  /** A read receipt for one received message (docs/API.md §3.3 `markRead`). */
  'messages.read': { args: { key: ReadKey }; result: void };
  /** Blocks a contact (docs/API.md §3.3 `block`). */
  'privacy.block': { args: { jid: string }; result: void };
  /** Unblocks a contact (docs/API.md §3.3 `block`). */
  'privacy.unblock': { args: { jid: string }; result: void };
  /** The account's blocklist (bare JIDs). */
  'privacy.blocklist': { args: Record<string, never>; result: string[] };
  /** Archives or unarchives a chat (app state). */
  'chats.archive': {
    args: { chatJid: string; archive: boolean; lastMessage: LastMessageWire | null };
    result: void;
  };
  /** Pins or unpins a chat (app state). */
  'chats.pin': { args: { chatJid: string; pin: boolean }; result: void };
  /** Mutes a chat until `untilMs` (ms epoch), forever (`-1`), or unmutes it (`null`). */
  'chats.mute': { args: { chatJid: string; untilMs: number | null }; result: void };
  /** Marks a chat read or unread (app state). */
  'chats.markRead': {
    args: { chatJid: string; read: boolean; lastMessage: LastMessageWire | null };
    result: void;
  };
  /** Deletes a chat on the account's devices (app state). */
  'chats.deleteChat': {
    args: { chatJid: string; lastMessage: LastMessageWire | null };
    result: void;
  };
  /** Deletes a message on the account's devices (app state). */
  'chats.deleteForMe': {
    args: { message: MessageRef; timestamp: string; deleteMedia: boolean };
    result: void;
  };
  /** Revokes a message for everyone. */
  'chats.revoke': { args: { message: MessageRef }; result: void };
  /** Stars or unstars messages of a chat (app state). */
  'chats.star': {
    args: { chatJid: string; messages: Array<{ id: string; fromMe: boolean }>; star: boolean };
    result: void;
  };
  /** Fetches the app state again (`labels`: only the labels' collection). */
  'chats.resync': { args: { scope: AppStateScope }; result: void };
  /** Creates, renames or deletes a label (app state). */
  'labels.edit': {
    args: { id: string; name: string; color: number; deleted: boolean };
    result: void;
  };
  /** Applies a label to a chat (app state). */
  'labels.addToChat': { args: { chatJid: string; labelId: string }; result: void };
  /** Removes a label from a chat (app state). */
  'labels.removeFromChat': { args: { chatJid: string; labelId: string }; result: void };
}

/** {@link LastMessageRef} as JSON (the time as ISO-8601) for the relay. */
export interface LastMessageWire {
  id: string;
  fromMe: boolean;
  participant?: string | null;
  timestamp: string;
}

/** A registered command name. */
export type SessionCommandName = keyof SessionCommands;
/** The arguments of command `K`. */
export type SessionCommandArgs<K extends SessionCommandName> = SessionCommands[K]['args'];
/** The result of command `K`. */
export type SessionCommandResult<K extends SessionCommandName> = SessionCommands[K]['result'];

/** How one session command is parsed, run and carried. */
export interface SessionCommandDefinition<A, R> {
  /**
   * Parses and validates the arguments (plain JSON: they may have crossed Redis).
   * @throws InvalidSessionCommandArgsError
   */
  parse(args: unknown): A;
  /** Runs the command on the owner's live session (the facet call). */
  run(session: WhatsAppSession, args: A): Promise<R>;
  /** Whether the session must be `connected` (else 503 `InstanceNotConnectedError`). */
  needsConnection: boolean;
  /** How long a caller waits for a relayed answer, ms (then 409 `SessionOwnedElsewhereError`). */
  relayTimeoutMs: number;
  /** The result as JSON for the relay (binary → base64). Default: the result itself. */
  toWire?(result: R, args: A): Promise<unknown>;
  /** The result back from its JSON form on the caller. Default: the JSON itself. */
  fromWire?(wire: unknown): R;
}

type Definitions = {
  [K in SessionCommandName]: SessionCommandDefinition<
    SessionCommandArgs<K>,
    SessionCommandResult<K>
  >;
};

function record(command: string, args: unknown): Record<string, unknown> {
  if (args === null || typeof args !== 'object' || Array.isArray(args))
    throw new InvalidSessionCommandArgsError(command, 'arguments must be an object');
  return args as Record<string, unknown>;
}

function text(command: string, args: Record<string, unknown>, field: string, max = 65_536): string {
  const value = args[field];
  if (typeof value !== 'string' || value.length === 0 || value.length > max)
    throw new InvalidSessionCommandArgsError(command, `${field} must be a non-empty string`);
  return value;
}

function flag(command: string, args: Record<string, unknown>, field: string): boolean {
  const value = args[field];
  if (typeof value !== 'boolean')
    throw new InvalidSessionCommandArgsError(command, `${field} must be a boolean`);
  return value;
}

function jid(command: string, args: Record<string, unknown>, field = 'chatJid'): string {
  return text(command, args, field, 256);
}

function isoDate(command: string, value: unknown, field: string): Date {
  const date = typeof value === 'string' ? new Date(value) : null;
  if (!date || Number.isNaN(date.getTime()))
    throw new InvalidSessionCommandArgsError(command, `${field} must be an ISO-8601 time`);
  return date;
}

function participantOf(command: string, value: unknown): string | null {
  if (value === undefined || value === null) return null;
  if (typeof value !== 'string' || value.length === 0 || value.length > 256)
    throw new InvalidSessionCommandArgsError(command, 'participant must be a JID');
  return value;
}

function lastMessage(command: string, args: Record<string, unknown>): LastMessageWire | null {
  const value = args.lastMessage;
  if (value === null || value === undefined) return null;
  const fields = record(command, value);
  return {
    id: text(command, fields, 'id', 128),
    fromMe: flag(command, fields, 'fromMe'),
    participant: participantOf(command, fields.participant),
    timestamp: isoDate(command, fields.timestamp, 'lastMessage.timestamp').toISOString(),
  };
}

function messageRef(command: string, args: Record<string, unknown>): MessageRef {
  const fields = record(command, args.message);
  return {
    chatJid: jid(command, fields),
    id: text(command, fields, 'id', 128),
    fromMe: flag(command, fields, 'fromMe'),
    participant: participantOf(command, fields.participant),
  };
}

/** The engine's {@link LastMessageRef} of its wire form. */
function toLastMessageRef(wire: LastMessageWire | null): LastMessageRef | null {
  return wire ? { ...wire, timestamp: new Date(wire.timestamp) } : null;
}

/** The engine's {@link MuteUntil} of `untilMs` (`-1` forever, `null` unmuted). */
function toMuteUntil(untilMs: number | null): MuteUntil {
  return untilMs === null ? null : untilMs === -1 ? 'forever' : new Date(untilMs);
}

const LABEL_ID = /^\d{1,9}$/;

function labelId(command: string, args: Record<string, unknown>, field: string): string {
  const value = text(command, args, field, 9);
  if (!LABEL_ID.test(value))
    throw new InvalidSessionCommandArgsError(command, `${field} must be a decimal label id`);
  return value;
}

/** Reads a stream (or takes a buffer) up to `maxBytes`; more is a 409 (see RELAY_MEDIA_MAX_BYTES). */
async function collect(source: Readable | Buffer, maxBytes: number): Promise<Buffer> {
  if (Buffer.isBuffer(source)) {
    if (source.length > maxBytes) throw new SessionOwnedElsewhereError();
    return source;
  }
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of source as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > maxBytes) {
      source.destroy();
      throw new SessionOwnedElsewhereError();
    }
    chunks.push(chunk);
  }
  return Buffer.concat(chunks);
}

/**
 * Every session command, registered once: its argument parser, the facet call, and how its
 * result crosses the relay. New routes add their engine operation here (docs/ARCHITECTURE.md,
 * request path) and call it with `SessionProvider.run`.
 */
export const SESSION_COMMANDS: Definitions = {
  'session.me': {
    parse: (args) => (record('session.me', args), {}),
    run: (session) => Promise.resolve(session.me),
    needsConnection: false,
    relayTimeoutMs: 5_000,
  },
  'messages.downloadMedia': {
    parse(args) {
      const fields = record('messages.downloadMedia', args);
      const raw = fields.raw;
      if (raw === null || typeof raw !== 'object' || Array.isArray(raw))
        throw new InvalidSessionCommandArgsError('messages.downloadMedia', 'raw must be an object');
      const maxBytes = fields.maxBytes;
      if (
        maxBytes !== undefined &&
        (typeof maxBytes !== 'number' || !Number.isInteger(maxBytes) || maxBytes < 0)
      )
        throw new InvalidSessionCommandArgsError(
          'messages.downloadMedia',
          'maxBytes must be a non-negative integer',
        );
      return {
        raw: raw as Record<string, unknown>,
        ...(maxBytes !== undefined ? { maxBytes } : {}),
      };
    },
    run: (session, { raw }) => session.messages.downloadMedia(raw),
    needsConnection: true,
    // The owner's download has MEDIA_DOWNLOAD_TIMEOUT_MS (60 s by default), then the transfer.
    relayTimeoutMs: 90_000,
    async toWire(result, { maxBytes }) {
      const bound = Math.min(maxBytes ?? RELAY_MEDIA_MAX_BYTES, RELAY_MEDIA_MAX_BYTES);
      return { base64: (await collect(result, bound)).toString('base64') };
    },
    fromWire(wire) {
      const base64 = (wire as { base64?: unknown } | null)?.base64;
      if (typeof base64 !== 'string') throw new Error('relayed media carried no bytes');
      return Buffer.from(base64, 'base64');
    },
  },
  'messages.sendText': {
    parse(args) {
      const fields = record('messages.sendText', args);
      return {
        toJid: text('messages.sendText', fields, 'toJid', 256),
        text: text('messages.sendText', fields, 'text'),
      };
    },
    run: (session, { toJid, text }) => session.messages.sendText(toJid, text),
    needsConnection: true,
    relayTimeoutMs: 30_000,
    fromWire(wire) {
      const sent = wire as SentMessage & { timestamp: string };
      return { ...sent, timestamp: new Date(sent.timestamp) };
    },
  },
  'contacts.lookupNumbers': {
    parse(args) {
      const numbers = record('contacts.lookupNumbers', args).numbers;
      if (
        !Array.isArray(numbers) ||
        numbers.length === 0 ||
        numbers.length > 50 ||
        !numbers.every((n) => typeof n === 'string' && /^\d{6,15}$/.test(n))
      )
        throw new InvalidSessionCommandArgsError(
          'contacts.lookupNumbers',
          'numbers must be 1 to 50 strings of 6 to 15 digits',
        );
      return { numbers: numbers as string[] };
    },
    run: (session, { numbers }) => session.contacts.lookupNumbers(numbers),
    needsConnection: true,
    relayTimeoutMs: 10_000,
  },
  'presence.setOwn': {
    parse(args) {
      const presence = record('presence.setOwn', args).presence;
      if (presence !== 'available' && presence !== 'unavailable')
        throw new InvalidSessionCommandArgsError(
          'presence.setOwn',
          'presence must be available or unavailable',
        );
      return { presence };
    },
    run: (session, { presence }) => session.presence.setOwn(presence),
    needsConnection: true,
    relayTimeoutMs: 10_000,
  },
  'calls.reject': {
    parse(args) {
      const fields = record('calls.reject', args);
      return {
        callId: text('calls.reject', fields, 'callId', 256),
        callerJid: text('calls.reject', fields, 'callerJid', 256),
      };
    },
    run: (session, { callId, callerJid }) => session.calls.reject(callId, callerJid),
    needsConnection: true,
    relayTimeoutMs: 10_000,
  },
  'presence.setInChat': {
    parse(args) {
      const fields = record('presence.setInChat', args);
      const presence = fields.presence;
      if (presence !== 'composing' && presence !== 'recording' && presence !== 'paused')
        throw new InvalidSessionCommandArgsError(
          'presence.setInChat',
          'presence must be composing, recording or paused',
        );
      const pauseAfterMs = fields.pauseAfterMs;
      if (
        pauseAfterMs !== undefined &&
        (typeof pauseAfterMs !== 'number' ||
          !Number.isInteger(pauseAfterMs) ||
          pauseAfterMs < 1 ||
          pauseAfterMs > 60_000)
      )
        throw new InvalidSessionCommandArgsError(
          'presence.setInChat',
          'pauseAfterMs must be an integer from 1 to 60000',
        );
      return {
        chatJid: text('presence.setInChat', fields, 'chatJid', 256),
        presence,
        ...(pauseAfterMs !== undefined ? { pauseAfterMs } : {}),
      };
    },
    async run(session, { chatJid, presence, pauseAfterMs }) {
      await session.presence.setInChat(chatJid, presence);
      if (pauseAfterMs && presence !== 'paused') {
        // Best effort, like WhatsApp's own expiry of the indicator (docs/API.md §3.3 `duration`).
        setTimeout(() => {
          session.presence.setInChat(chatJid, 'paused').catch(() => undefined);
        }, pauseAfterMs).unref();
      }
    },
    needsConnection: true,
    relayTimeoutMs: 10_000,
  },
  'messages.read': {
    parse(args) {
      const key = record('messages.read', record('messages.read', args).key);
      const participant = key.participant;
      if (participant !== undefined && participant !== null && typeof participant !== 'string')
        throw new InvalidSessionCommandArgsError('messages.read', 'participant must be a string');
      return {
        key: {
          chatJid: text('messages.read', key, 'chatJid', 256),
          id: text('messages.read', key, 'id', 256),
          participant: participant || null,
        },
      };
    },
    run: (session, { key }) => session.messages.read([key]),
    needsConnection: true,
    relayTimeoutMs: 10_000,
  },
  'privacy.block': {
    parse: (args) => ({ jid: text('privacy.block', record('privacy.block', args), 'jid', 256) }),
    run: (session, { jid }) => session.privacy.block(jid),
    needsConnection: true,
    relayTimeoutMs: 15_000,
  },
  'privacy.unblock': {
    parse: (args) => ({
      jid: text('privacy.unblock', record('privacy.unblock', args), 'jid', 256),
    }),
    run: (session, { jid }) => session.privacy.unblock(jid),
    needsConnection: true,
    relayTimeoutMs: 15_000,
  },
  'privacy.blocklist': {
    parse: (args) => (record('privacy.blocklist', args), {}),
    run: (session) => session.privacy.blocklist(),
    needsConnection: true,
    relayTimeoutMs: 10_000,
  },
  // App-state writes: the engine may wait up to its key bound (5 s) before the WhatsApp round trip.
  'chats.archive': {
    parse(args) {
      const fields = record('chats.archive', args);
      return {
        chatJid: jid('chats.archive', fields),
        archive: flag('chats.archive', fields, 'archive'),
        lastMessage: lastMessage('chats.archive', fields),
      };
    },
    run: (session, { chatJid, archive, lastMessage }) =>
      session.chats.archive(chatJid, archive, toLastMessageRef(lastMessage)),
    needsConnection: true,
    relayTimeoutMs: 20_000,
  },
  'chats.pin': {
    parse(args) {
      const fields = record('chats.pin', args);
      return { chatJid: jid('chats.pin', fields), pin: flag('chats.pin', fields, 'pin') };
    },
    run: (session, { chatJid, pin }) => session.chats.pin(chatJid, pin),
    needsConnection: true,
    relayTimeoutMs: 20_000,
  },
  'chats.mute': {
    parse(args) {
      const fields = record('chats.mute', args);
      const untilMs = fields.untilMs;
      if (
        untilMs !== null &&
        (typeof untilMs !== 'number' ||
          !Number.isInteger(untilMs) ||
          (untilMs < 1 && untilMs !== -1))
      )
        throw new InvalidSessionCommandArgsError(
          'chats.mute',
          'untilMs must be a time in ms, -1 (forever) or null',
        );
      return { chatJid: jid('chats.mute', fields), untilMs };
    },
    run: (session, { chatJid, untilMs }) => session.chats.mute(chatJid, toMuteUntil(untilMs)),
    needsConnection: true,
    relayTimeoutMs: 20_000,
  },
  'chats.markRead': {
    parse(args) {
      const fields = record('chats.markRead', args);
      return {
        chatJid: jid('chats.markRead', fields),
        read: flag('chats.markRead', fields, 'read'),
        lastMessage: lastMessage('chats.markRead', fields),
      };
    },
    run: (session, { chatJid, read, lastMessage }) =>
      session.chats.markRead(chatJid, read, toLastMessageRef(lastMessage)),
    needsConnection: true,
    relayTimeoutMs: 20_000,
  },
  'chats.deleteChat': {
    parse(args) {
      const fields = record('chats.deleteChat', args);
      return {
        chatJid: jid('chats.deleteChat', fields),
        lastMessage: lastMessage('chats.deleteChat', fields),
      };
    },
    run: (session, { chatJid, lastMessage }) =>
      session.chats.deleteChat(chatJid, toLastMessageRef(lastMessage)),
    needsConnection: true,
    relayTimeoutMs: 20_000,
  },
  'chats.deleteForMe': {
    parse(args) {
      const fields = record('chats.deleteForMe', args);
      return {
        message: messageRef('chats.deleteForMe', fields),
        timestamp: isoDate('chats.deleteForMe', fields.timestamp, 'timestamp').toISOString(),
        deleteMedia: flag('chats.deleteForMe', fields, 'deleteMedia'),
      };
    },
    run: (session, { message, timestamp, deleteMedia }) =>
      session.chats.deleteForMe(message, new Date(timestamp), deleteMedia),
    needsConnection: true,
    relayTimeoutMs: 20_000,
  },
  'chats.revoke': {
    parse: (args) => ({ message: messageRef('chats.revoke', record('chats.revoke', args)) }),
    run: (session, { message }) => session.chats.revoke(message),
    needsConnection: true,
    relayTimeoutMs: 30_000,
  },
  'chats.star': {
    parse(args) {
      const fields = record('chats.star', args);
      const messages = fields.messages;
      if (
        !Array.isArray(messages) ||
        messages.length === 0 ||
        messages.length > 50 ||
        !messages.every(
          (m: unknown) =>
            m !== null &&
            typeof m === 'object' &&
            typeof (m as { id?: unknown }).id === 'string' &&
            typeof (m as { fromMe?: unknown }).fromMe === 'boolean',
        )
      )
        throw new InvalidSessionCommandArgsError(
          'chats.star',
          'messages must be 1 to 50 { id, fromMe } objects',
        );
      return {
        chatJid: jid('chats.star', fields),
        messages: (messages as Array<{ id: string; fromMe: boolean }>).map(({ id, fromMe }) => ({
          id,
          fromMe,
        })),
        star: flag('chats.star', fields, 'star'),
      };
    },
    run: (session, { chatJid, messages, star }) => session.chats.star(chatJid, messages, star),
    needsConnection: true,
    relayTimeoutMs: 20_000,
  },
  'chats.resync': {
    parse(args) {
      const scope = record('chats.resync', args).scope;
      if (scope !== 'all' && scope !== 'labels')
        throw new InvalidSessionCommandArgsError('chats.resync', 'scope must be all or labels');
      return { scope };
    },
    run: (session, { scope }) => session.chats.resync(scope),
    needsConnection: true,
    relayTimeoutMs: 30_000,
  },
  'labels.edit': {
    parse(args) {
      const fields = record('labels.edit', args);
      const name = fields.name;
      const color = fields.color;
      if (typeof name !== 'string' || name.length > 255)
        throw new InvalidSessionCommandArgsError('labels.edit', 'name must be a string');
      if (typeof color !== 'number' || !Number.isInteger(color) || color < 0 || color > 19)
        throw new InvalidSessionCommandArgsError('labels.edit', 'color must be 0 to 19');
      return {
        id: labelId('labels.edit', fields, 'id'),
        name,
        color,
        deleted: flag('labels.edit', fields, 'deleted'),
      };
    },
    run: (session, label) => session.labels.edit(label),
    needsConnection: true,
    relayTimeoutMs: 20_000,
  },
  'labels.addToChat': {
    parse(args) {
      const fields = record('labels.addToChat', args);
      return {
        chatJid: jid('labels.addToChat', fields),
        labelId: labelId('labels.addToChat', fields, 'labelId'),
      };
    },
    run: (session, { chatJid, labelId }) => session.labels.addToChat(chatJid, labelId),
    needsConnection: true,
    relayTimeoutMs: 20_000,
  },
  'labels.removeFromChat': {
    parse(args) {
      const fields = record('labels.removeFromChat', args);
      return {
        chatJid: jid('labels.removeFromChat', fields),
        labelId: labelId('labels.removeFromChat', fields, 'labelId'),
      };
    },
    run: (session, { chatJid, labelId }) => session.labels.removeFromChat(chatJid, labelId),
    needsConnection: true,
    relayTimeoutMs: 20_000,
  },
};

/**
 * Looks up, parses and runs session commands on a live session (the owner's side of
 * `SessionProvider.run`, and the whole of it when the session is local). Built on a table of
 * definitions so tests can run it with their own.
 */
export class SessionCommandRegistry {
  constructor(private readonly definitions: Definitions = SESSION_COMMANDS) {}

  /**
   * The definition of `name`.
   * @throws UnknownSessionCommandError
   */
  get<K extends SessionCommandName>(
    name: K | string,
  ): SessionCommandDefinition<SessionCommandArgs<K>, SessionCommandResult<K>> {
    if (!Object.hasOwn(this.definitions, name)) throw new UnknownSessionCommandError(name);
    return this.definitions[name as K];
  }

  /**
   * Parses `args` and runs `name` on `session` (this process owns it).
   * @throws UnknownSessionCommandError, InvalidSessionCommandArgsError, InstanceNotConnectedError
   *   (503) when the command needs a connection the session does not have, and the engine's
   *   errors (`SessionNotConnectedError`, `MediaUnavailableError`, `NotSupportedByEngineError`…)
   */
  async runLocal<K extends SessionCommandName>(
    session: WhatsAppSession,
    name: K | string,
    args: unknown,
  ): Promise<SessionCommandResult<K>> {
    const definition = this.get<K>(name);
    return this.execute(definition, session, definition.parse(args));
  }

  /**
   * {@link runLocal} for a command another process relayed here: the result in its wire form.
   * @throws as {@link runLocal}; 409 SessionOwnedElsewhereError when a binary result is too large
   */
  async runForRelay(session: WhatsAppSession, name: string, args: unknown): Promise<unknown> {
    const definition = this.get(name);
    const parsed = definition.parse(args);
    const result = await this.execute(definition, session, parsed);
    return definition.toWire ? definition.toWire(result, parsed) : result;
  }

  private execute<A, R>(
    definition: SessionCommandDefinition<A, R>,
    session: WhatsAppSession,
    args: A,
  ): Promise<R> {
    if (definition.needsConnection && session.state !== 'connected')
      return Promise.reject(new InstanceNotConnectedError());
    return definition.run(session, args);
  }
}

/** Whether `error` says the session is not connected (engine or domain error, local or relayed). */
export function isNotConnected(error: unknown): boolean {
  return (error as { code?: unknown } | null)?.code === 'INSTANCE_NOT_CONNECTED';
}

/** A stream of `source` (a relayed buffer or the engine's stream). */
export function asStream(source: Readable | Buffer): Readable {
  return Buffer.isBuffer(source) ? Readable.from(source) : source;
}
