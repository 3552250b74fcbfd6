import type {
  AuthenticationState,
  ConnectionState,
  SignalDataSet,
  SignalDataTypeMap,
  SignalKeyStore,
  WASocket,
} from 'baileys';
import pino from 'pino';

import { type BaileysModule, loadBaileys } from '../src/baileys-loader';
import { type Sandbox, SANDBOX_ROOT_PUBLIC_KEY } from '../src/index';

/** Fixed client version: never fetched (that would reach the internet). */
export const CLIENT_VERSION: [number, number, number] = [2, 3000, 1023223821];

/** Loads Baileys and makes it trust the sandbox root (what Wharf does in sandbox mode). */
export async function sandboxBaileys(): Promise<BaileysModule> {
  const b = await loadBaileys();
  b.WA_CERT_DETAILS.PUBLIC_KEY = SANDBOX_ROOT_PUBLIC_KEY;
  return b;
}

/** Fresh credentials with an in-memory Signal key store. */
export function memoryAuthState(b: BaileysModule): AuthenticationState {
  const data = new Map<string, unknown>();
  const keys: SignalKeyStore = {
    get: <T extends keyof SignalDataTypeMap>(type: T, ids: string[]) => {
      const out: Record<string, SignalDataTypeMap[T]> = {};
      for (const id of ids) {
        const value = data.get(`${type}/${id}`);
        if (value !== undefined) {
          out[id] = value as SignalDataTypeMap[T];
        }
      }
      return out;
    },
    set: (set: SignalDataSet) => {
      for (const [type, values] of Object.entries(set)) {
        for (const [id, value] of Object.entries(values ?? {})) {
          if (value === null || value === undefined) {
            data.delete(`${type}/${id}`);
          } else {
            data.set(`${type}/${id}`, value);
          }
        }
      }
    },
  };
  return { creds: b.initAuthCreds(), keys };
}

/** A real Baileys socket pointed at the sandbox, with its connection updates recorded. */
export class TestClient {
  readonly updates: Partial<ConnectionState>[] = [];
  private readonly listeners = new Set<() => void>();

  private constructor(readonly sock: WASocket) {
    sock.ev.on('connection.update', (update) => {
      this.updates.push(update);
      for (const listener of this.listeners) {
        listener();
      }
    });
  }

  /** Opens a socket with `auth` (Baileys mutates `auth.creds` as it pairs). */
  static start(
    b: BaileysModule,
    sandbox: Sandbox,
    auth: AuthenticationState,
    extra: Partial<Parameters<BaileysModule['makeWASocket']>[0]> = {},
  ): TestClient {
    const sock = b.makeWASocket({
      waWebSocketUrl: sandbox.wsUrl,
      auth,
      version: CLIENT_VERSION,
      browser: ['Wharf', 'Chrome', '1.0'],
      logger: pino({ level: 'silent' }),
      shouldSyncHistoryMessage: () => false,
      markOnlineOnConnect: false,
      connectTimeoutMs: 5_000,
      ...extra,
    });
    return new TestClient(sock);
  }

  /** Resolves with the first recorded update (past or future) that matches, or rejects after `timeoutMs`. */
  waitFor(
    match: (update: Partial<ConnectionState>) => boolean,
    timeoutMs = 8_000,
  ): Promise<Partial<ConnectionState>> {
    return new Promise((resolve, reject) => {
      const check = (): boolean => {
        const found = this.updates.find(match);
        if (found) {
          cleanup();
          resolve(found);
          return true;
        }
        return false;
      };
      const timer = setTimeout(() => {
        cleanup();
        reject(new Error(`timed out; updates: ${JSON.stringify(this.updates.map(describe))}`));
      }, timeoutMs);
      const cleanup = (): void => {
        clearTimeout(timer);
        this.listeners.delete(listener);
      };
      const listener = (): void => void check();
      this.listeners.add(listener);
      check();
    });
  }

  /** The first QR string the client emits. */
  async qr(): Promise<string> {
    const update = await this.waitFor((u) => typeof u.qr === 'string');
    return update.qr as string;
  }

  /** Waits for `connection: 'open'`. */
  async opened(): Promise<void> {
    await this.waitFor((u) => u.connection === 'open');
  }

  /** Waits for `connection: 'close'` and returns the Boom status code. */
  async closedWith(timeoutMs?: number): Promise<number | undefined> {
    const update = await this.waitFor((u) => u.connection === 'close', timeoutMs);
    return statusOf(update);
  }

  /** Ends the socket (no-op if already closed). */
  async stop(): Promise<void> {
    if (!this.updates.some((u) => u.connection === 'close')) {
      await this.sock.end(undefined);
    }
  }
}

function statusOf(update: Partial<ConnectionState>): number | undefined {
  const error = update.lastDisconnect?.error as { output?: { statusCode?: number } } | undefined;
  return error?.output?.statusCode;
}

function describe(update: Partial<ConnectionState>): unknown {
  return {
    connection: update.connection,
    qr: update.qr ? 'qr' : undefined,
    status: statusOf(update),
  };
}

/** JSON request to the control API; `T` is the expected response body type. */
export async function control<T = unknown>(
  sandbox: Sandbox,
  method: 'GET' | 'POST',
  path: string,
  body?: unknown,
): Promise<{ status: number; body: T }> {
  const res = await fetch(`${sandbox.controlUrl}${path}`, {
    method,
    headers: body === undefined ? undefined : { 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  return { status: res.status, body: (await res.json()) as T };
}

/**
 * Links a fresh companion to `number` by QR (connect → qr → phone scans → 515) and returns its
 * auth state, ready to log in.
 */
export async function linkCompanionByQr(
  b: BaileysModule,
  sandbox: Sandbox,
  number: string,
): Promise<AuthenticationState> {
  const auth = memoryAuthState(b);
  const client = TestClient.start(b, sandbox, auth);
  try {
    const qr = await client.qr();
    const linked = await control(sandbox, 'POST', `/phones/${number}/link`, { qr });
    if (linked.status !== 200) {
      throw new Error(`link failed: ${JSON.stringify(linked)}`);
    }
    const status = await client.closedWith();
    if (status !== b.DisconnectReason.restartRequired) {
      throw new Error(`expected 515, got ${status}`);
    }
    return auth;
  } finally {
    await client.stop();
  }
}
