import { type Sandbox, SANDBOX_ROOT_PUBLIC_KEY } from '@wharf/sandbox';
import {
  type AuthStateStore,
  type CallEvent,
  type ConnectionEvent,
  createBaileysSession,
  type ProfileEvent,
  type WhatsAppSession,
} from '@wharf/whatsapp';
import pino from 'pino';

import type { BaileysSessionOptions } from '../src/baileys/baileys-session';

/** Fixed client version: configuration, never fetched. */
export const WA_VERSION: [number, number, number] = [2, 3000, 1023223821];

/** A session under test with everything it emitted recorded. */
export class SessionProbe {
  readonly connection: ConnectionEvent[] = [];
  readonly calls: CallEvent[] = [];
  readonly profiles: ProfileEvent[] = [];
  private readonly listeners = new Set<() => void>();

  constructor(readonly session: WhatsAppSession) {
    session.on('connection', (event) => this.record(this.connection, event));
    session.on('call', (event) => this.record(this.calls, event));
    session.on('profile', (event) => this.record(this.profiles, event));
  }

  /** The first connection event (past or future) matching `match`. */
  nextConnection(
    match: (event: ConnectionEvent) => boolean,
    timeoutMs = 8_000,
  ): Promise<ConnectionEvent> {
    return this.waitIn(this.connection, match, timeoutMs);
  }

  /** The first call event (past or future) matching `match`. */
  nextCall(match: (event: CallEvent) => boolean, timeoutMs = 5_000): Promise<CallEvent> {
    return this.waitIn(this.calls, match, timeoutMs);
  }

  /** `state/reason` of every connection event so far. */
  get trail(): string[] {
    return this.connection.map((event) => `${event.state}/${event.reason}`);
  }

  private record<T>(list: T[], event: T): void {
    list.push(event);
    for (const listener of this.listeners) {
      listener();
    }
  }

  private waitIn<T>(list: T[], match: (event: T) => boolean, timeoutMs: number): Promise<T> {
    return new Promise((resolve, reject) => {
      const check = (): void => {
        const found = list.find(match);
        if (found) {
          cleanup();
          resolve(found);
        }
      };
      const timer = setTimeout(() => {
        cleanup();
        reject(new Error(`timed out; connection events so far: ${this.trail.join(', ')}`));
      }, timeoutMs);
      const cleanup = (): void => {
        clearTimeout(timer);
        this.listeners.delete(check);
      };
      this.listeners.add(check);
      check();
    });
  }
}

/** Creates (not starts) a Baileys session pointed at `sandbox`, recorded by a probe. */
export function sandboxSession(
  sandbox: Sandbox,
  store: AuthStateStore,
  extra: Partial<BaileysSessionOptions> = {},
): SessionProbe {
  const session = createBaileysSession({
    store,
    logger: pino({ level: 'silent' }),
    waVersion: WA_VERSION,
    browser: ['Wharf', 'Chrome', '1.0'],
    connectTimeoutMs: 5_000,
    sandbox: { wsUrl: sandbox.wsUrl, rootPublicKey: SANDBOX_ROOT_PUBLIC_KEY },
    ...extra,
  });
  return new SessionProbe(session);
}

/** Starts a fresh session on `store`, links it to `number` by QR and waits for `connected`. */
export async function linkByQr(
  sandbox: Sandbox,
  store: AuthStateStore,
  number: string,
): Promise<SessionProbe> {
  const probe = sandboxSession(sandbox, store);
  await probe.session.start();
  const { qr } = await probe.nextConnection((event) => event.reason === 'qr_ready');
  await sandbox.link(number, qr as string);
  await probe.nextConnection((event) => event.state === 'connected');
  return probe;
}

/** Polls `read` until `done` holds (or gives up after `timeoutMs`) and returns the last value. */
export async function eventually<T>(
  read: () => T | Promise<T>,
  done: (value: T) => boolean,
  timeoutMs = 3_000,
): Promise<T> {
  const until = Date.now() + timeoutMs;
  let value = await read();
  while (!done(value) && Date.now() < until) {
    await new Promise((resolve) => setTimeout(resolve, 25));
    value = await read();
  }
  return value;
}
