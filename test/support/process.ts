/** Runs the built Wharf (`dist/src/main.js`, what `npm start` runs) as a child process. */
import { ChildProcess, spawn } from 'node:child_process';
import { randomInt } from 'node:crypto';
import { appendFileSync, existsSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';

export const MAIN_JS = join(__dirname, '..', '..', 'dist', 'src', 'main.js');

/** Ports {@link freePort} picks from: [first, last), below Linux's default ephemeral range. */
const FREE_PORT_RANGE: [number, number] = [20_000, 32_000];

/** A free TCP port on loopback, picked at random from {@link FREE_PORT_RANGE}. */
export async function freePort(): Promise<number> {
  // Below the kernel's ephemeral range (32768–60999 here): a port picked there and released can
  // be taken at once as the source port of any outgoing connection (Redis, PostgreSQL, HTTP
  // clients of a parallel test), and the process that binds it next fails with EADDRINUSE.
  for (;;) {
    const port = FREE_PORT_RANGE[0] + randomInt(FREE_PORT_RANGE[1] - FREE_PORT_RANGE[0]);
    const bound = await new Promise<boolean>((resolve) => {
      const server = createServer();
      server.once('error', () => resolve(false));
      server.listen(port, '127.0.0.1', () => server.close(() => resolve(true)));
    });
    if (bound) return port;
  }
}

export interface WharfProcess {
  child: ChildProcess;
  stdout: () => string;
  stderr: () => string;
  exited: Promise<number | null>;
}

/**
 * Spawns `node dist/src/main.js` with `env` (on top of PATH only); `nodeArgs` go before the
 * script (e.g. `--cpu-prof`, which NODE_OPTIONS does not allow).
 */
export function spawnWharf(env: Record<string, string>, nodeArgs: string[] = []): WharfProcess {
  if (!existsSync(MAIN_JS)) throw new Error(`${MAIN_JS} is missing: run "npm run build" first`);
  const child = spawn(process.execPath, [...nodeArgs, MAIN_JS], {
    env: { PATH: process.env.PATH ?? '', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  let err = '';
  // WHARF_TEST_LOG_FILE: also append the process's output there (debugging a failing suite).
  const logFile = process.env.WHARF_TEST_LOG_FILE;
  child.stdout?.on('data', (chunk: Buffer) => {
    out += chunk.toString();
    if (logFile) appendFileSync(logFile, chunk);
  });
  child.stderr?.on('data', (chunk: Buffer) => {
    err += chunk.toString();
    if (logFile) appendFileSync(logFile, chunk);
  });
  const exited = new Promise<number | null>((resolve) =>
    child.once('exit', (code) => resolve(code)),
  );
  return { child, stdout: () => out, stderr: () => err, exited };
}

/** Polls `url` until it answers 200 or `timeoutMs` passes. */
export async function waitForHttp(url: string, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    try {
      const res = await fetch(url);
      if (res.status === 200) return;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`${url} did not answer within ${timeoutMs} ms`);
}
