/**
 * Wharf for the benchmarks: the BUILT app (`dist/src/main.js`) as a separate process, started by
 * the e2e helper `startWharf` (throwaway database of WHARF_TEST_DB, local Redis, private key
 * prefix), in sandbox mode, plus what the scenarios read from it: RSS from /proc, Prometheus
 * figures from `/metrics`, and instances linked to sandbox phones.
 */
import { readFileSync, rmSync } from 'node:fs';

import WebSocket from 'ws';

import { createAccount, createInstance } from '../../test/support/fixtures';
import { Api } from '../../test/support/http';
import { type Sandbox, sandboxEnv, waitForState } from '../../test/support/sessions';
import {
  type StartOptions,
  startWharf,
  TEST_DIALECT,
  type WharfHandle,
} from '../../test/support/wharf';

export { TEST_DIALECT, type WharfHandle };

/** Starts Wharf pointed at `sandbox` (loopback webhooks allowed); `env` adds or overrides. */
export function startBenchWharf(
  sandbox: Sandbox | null,
  env: Record<string, string> = {},
  options: Omit<StartOptions, 'env'> = {},
): Promise<WharfHandle> {
  return startWharf({
    ...options,
    env: {
      ...(sandbox ? sandboxEnv(sandbox) : {}),
      ALLOW_PRIVATE_TARGETS: 'true',
      LOG_LEVEL: process.env.WHARF_BENCH_LOG_LEVEL ?? 'silent',
      ...env,
    },
  });
}

/** Resident set size of process `pid` in MB (VmRSS of /proc/<pid>/status), `null` if unknown. */
export function rssMB(pid: number | undefined): number | null {
  if (!pid) return null;
  try {
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    const kb = /^VmRSS:\s+(\d+)\s+kB/m.exec(status)?.[1];
    return kb ? Number(kb) / 1024 : null;
  } catch {
    return null;
  }
}

/** Numeric samples of Wharf's `/metrics` (admin token) without labels: name → value. */
export async function scrapeMetrics(wharf: WharfHandle): Promise<Map<string, number>> {
  const res = await new Api(wharf.url).get('/metrics', { token: wharf.adminToken });
  if (res.status !== 200) throw new Error(`/metrics answered ${res.status}`);
  const values = new Map<string, number>();
  for (const line of res.text.split('\n')) {
    const match = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(\{[^}]*\})?\s+(\S+)$/.exec(line);
    if (match && !match[2]) values.set(match[1], Number(match[3]));
  }
  return values;
}

/**
 * Runs a full garbage collection in Wharf through the V8 inspector (Wharf must have been started
 * with `--inspect=127.0.0.1:0`), so memory readings do not depend on when V8 last collected.
 */
export async function collectGarbage(wharf: WharfHandle): Promise<void> {
  const url = /Debugger listening on (ws:\/\/\S+)/.exec(wharf.process.stderr())?.[1];
  if (!url) throw new Error('Wharf was not started with --inspect');
  const socket = new WebSocket(url);
  await new Promise<void>((resolve, reject) => {
    socket.once('error', reject);
    socket.once('open', () => {
      socket.send(JSON.stringify({ id: 1, method: 'HeapProfiler.collectGarbage' }));
    });
    socket.on('message', (data: Buffer) => {
      if ((JSON.parse(data.toString()) as { id?: number }).id === 1) {
        socket.close();
        resolve();
      }
    });
  });
}

/** Heap used by Wharf in MB (`wharf_nodejs_heap_size_used_bytes`). */
export async function heapUsedMB(wharf: WharfHandle): Promise<number | null> {
  const value = (await scrapeMetrics(wharf)).get('wharf_nodejs_heap_size_used_bytes');
  return value === undefined ? null : value / 1024 / 1024;
}

/** An instance of the benchmark account linked to a sandbox phone. */
export interface LinkedBenchInstance {
  id: string;
  name: string;
  token: string;
  /** The sandbox phone the instance is linked to. */
  number: string;
}

/** Phone number `index` of a numbering `series` (distinct per scenario). */
export const phoneNumber = (series: number, index: number): string =>
  `55${String(series).padStart(2, '0')}9${String(index).padStart(8, '0')}`;

/**
 * Creates `count` instances (with `settings`) in a new account and links each to a new sandbox
 * phone, `batch` at a time; resolves when all report `connected`.
 */
export async function linkInstances(
  wharf: WharfHandle,
  sandbox: Sandbox,
  count: number,
  options: { series?: number; settings?: Record<string, unknown>; batch?: number } = {},
): Promise<{ accountToken: string; instances: LinkedBenchInstance[] }> {
  const api = new Api(wharf.url);
  const accountToken = (await createAccount(wharf, 'Bench')).token;
  const instances: LinkedBenchInstance[] = [];
  const series = options.series ?? 10;
  for (let i = 0; i < count; i++) {
    const name = `bench-${series}-${i}`;
    const created = await createInstance(wharf, accountToken, name, options.settings ?? {});
    const number = phoneNumber(series, i);
    sandbox.createPhone(number, name);
    instances.push({ id: created.id, name, token: created.token, number });
  }
  const batch = options.batch ?? 5;
  for (let i = 0; i < instances.length; i += batch) {
    await Promise.all(
      instances
        .slice(i, i + batch)
        .map((instance) => linkOne(api, sandbox, accountToken, instance.name, instance.number)),
    );
  }
  return { accountToken, instances };
}

/**
 * `linkByQr` of the e2e helpers with a longer wait (a loaded machine links slowly): connect,
 * the phone scans the QR, wait for `connected`.
 */
async function linkOne(
  api: Api,
  sandbox: Sandbox,
  token: string,
  name: string,
  number: string,
): Promise<void> {
  const connect = await api.get(`/api/instance/connect/${encodeURIComponent(name)}`, { token });
  if (connect.status !== 200 || !connect.body.qrCode)
    throw new Error(`connect ${name} failed: ${connect.status} ${connect.text}`);
  await sandbox.link(number, connect.body.qrCode);
  await waitForState(api, token, name, 'connected', 120_000);
}

/** Instances of the account by state (`GET /api/instance/list`). */
export async function instanceStates(
  wharf: WharfHandle,
  accountToken: string,
): Promise<Map<string, string>> {
  const res = await new Api(wharf.url).get('/api/instance/list', {
    token: accountToken,
  });
  const states = new Map<string, string>();
  for (const item of (res.body?.instances ?? []) as Array<{ name: string; status: string }>)
    states.set(item.name, item.status);
  return states;
}

/**
 * Stops Wharf with SIGTERM like `close()` (with `graceMs`: SIGKILL after that long), but never throws: a non-zero exit (e.g. the 25 s
 * shutdown guard of main.ts firing) is returned as a note; the database and data directory of a
 * Wharf that created them are removed either way. Resolves with the stop time, ms.
 */
export async function stopWharf(
  wharf: WharfHandle,
  ownsDatabase = true,
  graceMs?: number,
): Promise<{ ms: number; error: string | null }> {
  const started = performance.now();
  let error: string | null = null;
  const child = wharf.process.child;
  if (graceMs !== undefined && child.exitCode === null && child.signalCode === null) {
    // bounded stop (--quick): SIGTERM, then SIGKILL after `graceMs`
    child.kill('SIGTERM');
    const stopped = await Promise.race([
      wharf.process.exited.then(() => true),
      sleep(graceMs).then(() => false),
    ]);
    if (!stopped) {
      child.kill('SIGKILL');
      await wharf.process.exited;
      error = `did not stop within ${graceMs} ms of SIGTERM (killed)`;
    }
  }
  try {
    await wharf.close();
  } catch (e) {
    error ??= (e as Error).message.split('\n')[0];
    if (ownsDatabase) await wharf.db.drop().catch(() => undefined);
  }
  rmSync(wharf.env.DATA_DIR, { recursive: true, force: true });
  return { ms: performance.now() - started, error };
}

/** Resolves after `ms` milliseconds. */
export const sleep = (ms: number): Promise<void> =>
  new Promise((resolve) => setTimeout(resolve, ms));
