/**
 * Child processes of the harness written in TypeScript (the floors): forked with ts-node
 * (transpile-only) and tsconfig-paths like the npm scripts, with an IPC channel.
 */
import { type ChildProcess, fork } from 'node:child_process';
import { join } from 'node:path';

import type { Sandbox } from '../../test/support/sessions';

const ROOT = join(__dirname, '..', '..');

/** Forks `bench/<script>` (TypeScript) with `env` on top of this process's environment. */
export function forkTs(
  script: string,
  env: Record<string, string> = {},
  execArgv: string[] = [],
): ChildProcess {
  return fork(join(ROOT, 'bench', script), [], {
    cwd: ROOT,
    env: { ...process.env, TS_NODE_PROJECT: join(ROOT, 'tsconfig.scripts.json'), ...env },
    execArgv: [...execArgv, '-r', 'ts-node/register', '-r', 'tsconfig-paths/register'],
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
}

/** Waits for the first IPC message of `type` from `child` (rejects on `error` or exit). */
export function nextMessage<T = Record<string, any>>(
  child: ChildProcess,
  type: string,
  timeoutMs = 120_000,
): Promise<T> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      cleanup();
      reject(new Error(`child did not answer ${type} within ${timeoutMs} ms`));
    }, timeoutMs);
    const onMessage = (message: Record<string, any>) => {
      if (message.type === type) {
        cleanup();
        resolve(message as T);
      } else if (message.type === 'error') {
        cleanup();
        reject(new Error(`child failed: ${message.message}`));
      }
    };
    const onExit = (code: number | null) => {
      cleanup();
      reject(new Error(`child exited with ${code} before ${type}`));
    };
    const cleanup = () => {
      clearTimeout(timer);
      child.off('message', onMessage);
      child.off('exit', onExit);
    };
    child.on('message', onMessage);
    child.once('exit', onExit);
  });
}

/** The harness side of bench/floors/baileys-floor.ts. */
export class BaileysFloor {
  private constructor(readonly child: ChildProcess) {}

  /** Starts the floor process against `sandbox`; QRs are scanned by the phones `numbers[i]`. */
  static async start(sandbox: Sandbox, numbers: (index: number) => string): Promise<BaileysFloor> {
    const child = forkTs('floors/baileys-floor.ts', { SANDBOX_WS_URL: sandbox.wsUrl }, [
      '--expose-gc',
    ]);
    const linked = new Set<number>();
    child.on('message', (message: Record<string, any>) => {
      if (message.type !== 'qr' || linked.has(message.index as number)) return;
      linked.add(message.index as number);
      sandbox.link(numbers(message.index as number), message.qr as string).catch((error) => {
        linked.delete(message.index as number);
        process.stderr.write(`floor link ${message.index} failed: ${(error as Error).message}\n`);
      });
    });
    await nextMessage(child, 'ready');
    return new BaileysFloor(child);
  }

  get pid(): number | undefined {
    return this.child.pid;
  }

  /** Opens `count` more sockets, each linked to its phone; resolves when all are open. */
  async connect(count: number): Promise<void> {
    const answer = nextMessage(this.child, 'connected', 300_000);
    this.child.send({ cmd: 'connect', count });
    await answer;
  }

  /** Socket `index` sends `texts` to `to` one after another; resolves with the time taken, ms. */
  async send(index: number, to: string, texts: string[]): Promise<number> {
    const answer = nextMessage<{ ms: number }>(this.child, 'sent', 600_000);
    this.child.send({ cmd: 'send', index, to, texts });
    return (await answer).ms;
  }

  /** The process's own view of its memory, bytes. */
  async memory(): Promise<{ rss: number; heapUsed: number }> {
    const answer = nextMessage<{ rss: number; heapUsed: number }>(this.child, 'memory');
    this.child.send({ cmd: 'memory' });
    return answer;
  }

  async close(): Promise<void> {
    if (this.child.exitCode !== null) return;
    const exited = new Promise((resolve) => this.child.once('exit', resolve));
    this.child.send({ cmd: 'exit' });
    const timer = setTimeout(() => this.child.kill('SIGKILL'), 5_000);
    await exited;
    clearTimeout(timer);
  }
}
