/**
 * The Baileys floor: bare Baileys sockets (`makeWASocket`, in-memory auth, no Wharf code) in a
 * process of their own, driven by the harness over the IPC channel of `fork()`.
 *
 * Commands (parent → child):
 * - `{ cmd: 'connect', count }`: opens `count` sockets to the sandbox (`SANDBOX_WS_URL`); each
 *   QR is sent up as `{ type: 'qr', index, qr }` for the parent to scan with a sandbox phone;
 *   answers `{ type: 'connected', count }` once every socket is open.
 * - `{ cmd: 'send', index, to, texts }`: socket `index` sends the texts one after another
 *   (awaiting each, like Wharf's ordered per-instance lane); answers `{ type: 'sent', ms }`.
 * - `{ cmd: 'memory' }`: answers `{ type: 'memory', rss, heapUsed }` in bytes.
 * - `{ cmd: 'exit' }`: ends the sockets and the process.
 * Errors answer `{ type: 'error', message }`.
 */
import type { AuthenticationCreds, SignalDataSet, SignalKeyStore, WASocket } from 'baileys';
import pino from 'pino';

import { loadBaileys, SANDBOX_ROOT_PUBLIC_KEY } from '../../libs/sandbox/src';

type Baileys = Awaited<ReturnType<typeof loadBaileys>>;

/** Same fixed client version as Wharf's sandbox sessions. */
const WA_VERSION: [number, number, number] = [2, 3000, 1023223821];

const send = (message: Record<string, unknown>): void => {
  process.send?.(message);
};

function memoryKeys(): SignalKeyStore {
  const data = new Map<string, unknown>();
  return {
    get: (type, ids) => {
      const out: Record<string, any> = {};
      for (const id of ids) {
        const value = data.get(`${type}/${id}`);
        if (value !== undefined) out[id] = value;
      }
      return out;
    },
    set: (set: SignalDataSet) => {
      for (const [type, values] of Object.entries(set)) {
        for (const [id, value] of Object.entries(values ?? {})) {
          if (value == null) data.delete(`${type}/${id}`);
          else data.set(`${type}/${id}`, value);
        }
      }
    },
  };
}

/** One bare socket that reconnects after the post-link restart (515), like any Baileys client. */
class BareSocket {
  sock?: WASocket;
  private readonly creds: AuthenticationCreds;
  private readonly keys = memoryKeys();
  opened: Promise<void>;
  private resolveOpened!: () => void;

  constructor(
    private readonly b: Baileys,
    private readonly index: number,
  ) {
    this.creds = b.initAuthCreds();
    this.opened = new Promise((resolve) => (this.resolveOpened = resolve));
  }

  start(): void {
    const sock = this.b.makeWASocket({
      auth: { creds: this.creds, keys: this.keys },
      logger: pino({ level: 'silent' }),
      version: WA_VERSION,
      browser: ['BenchFloor', 'Chrome', '1.0'],
      markOnlineOnConnect: false,
      syncFullHistory: false,
      shouldSyncHistoryMessage: () => false,
      waWebSocketUrl: process.env.SANDBOX_WS_URL,
      connectTimeoutMs: 20_000,
    });
    this.sock = sock;
    sock.ev.on('creds.update', (update) => Object.assign(this.creds, update));
    sock.ev.on('connection.update', (update) => {
      if (update.qr) send({ type: 'qr', index: this.index, qr: update.qr });
      if (update.connection === 'open') this.resolveOpened();
      if (update.connection === 'close' && this.sock === sock) {
        const code = (update.lastDisconnect?.error as { output?: { statusCode?: number } })?.output
          ?.statusCode;
        if (code !== 401) setTimeout(() => this.start(), code === 515 ? 0 : 500);
      }
    });
  }

  end(): void {
    const sock = this.sock;
    this.sock = undefined;
    void sock?.end(undefined);
  }
}

async function main(): Promise<void> {
  const b = await loadBaileys();
  b.WA_CERT_DETAILS.PUBLIC_KEY = Buffer.from(SANDBOX_ROOT_PUBLIC_KEY);
  const sockets: BareSocket[] = [];
  process.on('message', (raw: Record<string, any>) => {
    void (async () => {
      try {
        switch (raw.cmd) {
          case 'connect': {
            const fresh: BareSocket[] = [];
            for (let i = 0; i < (raw.count as number); i++) {
              const socket = new BareSocket(b, sockets.length);
              sockets.push(socket);
              fresh.push(socket);
              socket.start();
            }
            await Promise.all(fresh.map((s) => s.opened));
            send({ type: 'connected', count: sockets.length });
            break;
          }
          case 'send': {
            const sock = sockets[raw.index as number].sock!;
            const started = performance.now();
            for (const text of raw.texts as string[]) await sock.sendMessage(raw.to, { text });
            send({ type: 'sent', ms: performance.now() - started });
            break;
          }
          case 'memory': {
            // a full collection first (the harness forks with --expose-gc), like Wharf's reading
            (globalThis as { gc?: () => void }).gc?.();
            const usage = process.memoryUsage();
            send({ type: 'memory', rss: usage.rss, heapUsed: usage.heapUsed });
            break;
          }
          case 'exit':
            for (const socket of sockets) socket.end();
            setTimeout(() => process.exit(0), 200);
            break;
        }
      } catch (error) {
        send({ type: 'error', message: (error as Error).stack ?? String(error) });
      }
    })();
  });
  send({ type: 'ready' });
}

void main();
