/**
 * `restore`: (1) cold start — spawn of `node dist/src/main.js` until `/health/ready` answers
 * 200, with 0 sessions: once on a fresh database (migrations run) and then restarts on the
 * migrated one; (2) restore — N = 50 instances linked to sandbox phones, Wharf stopped (SIGTERM)
 * and started again on the same database, Redis prefix and keys; time until every instance is
 * `connected` again. D10 restores at most 10 sessions per second, so the bound is N ÷ 10 s of
 * stagger plus the time one session takes to connect (measured here as the first restored one).
 * Targets (issue 6): cold start ≤ 1.5 s; restore within the D10 stagger bound.
 */
import { rmSync } from 'node:fs';

import { EventLog } from '@wharf/modules/events/entities/event-log.entity';

import type { ThrowawayDatabase } from '../../scripts/db-tools';
import { freePort } from '../../test/support/process';
import { type Sandbox, startTestSandbox } from '../../test/support/sessions';
import { uuidv7Time } from '../support/receiver';
import {
  newResult,
  percentile,
  printTable,
  printTargets,
  type ScenarioResult,
} from '../support/report';
import {
  linkInstances,
  sleep,
  startBenchWharf,
  stopWharf,
  TEST_DIALECT,
  type WharfHandle,
} from '../support/wharf';
import type { BenchOptions } from './options';

/** Polls `url` every 10 ms until it answers 200; resolves with the time since `since`, ms. */
async function firstOk(url: string, since: number, timeoutMs = 60_000): Promise<number> {
  for (;;) {
    try {
      const res = await fetch(url);
      if (res.status === 200) return performance.now() - since;
    } catch {
      // not listening yet
    }
    if (performance.now() - since > timeoutMs)
      throw new Error(`${url} not ready in ${timeoutMs} ms`);
    await sleep(10);
  }
}

/**
 * Starts Wharf with a port chosen here, polling `/health/ready` from the moment of the spawn;
 * resolves with the handle and the time to ready, ms.
 */
async function timedStart(
  sandbox: Sandbox | null,
  env: Record<string, string>,
  db?: ThrowawayDatabase,
): Promise<{ wharf: WharfHandle; readyMs: number; spawnedAt: number; spawnedEpoch: number }> {
  const port = await freePort();
  const spawnedAt = performance.now();
  const spawnedEpoch = Date.now();
  const ready = firstOk(`http://127.0.0.1:${port}/health/ready`, spawnedAt);
  const wharf = await startBenchWharf(sandbox, env, { db, port });
  return { wharf, readyMs: await ready, spawnedAt, spawnedEpoch };
}

export async function runRestore(options: BenchOptions): Promise<ScenarioResult> {
  const n = options.n ?? (options.quick ? 2 : 50);
  const restarts = options.quick ? 0 : 3;
  const result = newResult('restore', options.quick, TEST_DIALECT, { sessions: n, restarts });

  // 1. cold start with 0 sessions
  const first = await timedStart(null, {});
  const db = first.wharf.db;
  const keep = {
    ADMIN_TOKEN: first.wharf.adminToken,
    ENCRYPTION_KEY: first.wharf.encryptionKey,
    REDIS_KEY_PREFIX: first.wharf.redisPrefix,
  };
  await first.wharf.kill();
  rmSync(first.wharf.env.DATA_DIR, { recursive: true, force: true });
  const restartMs: number[] = [];
  for (let i = 0; i < restarts; i++) {
    const again = await timedStart(null, keep, db);
    restartMs.push(again.readyMs);
    await again.wharf.close();
  }
  await db.drop();
  // --quick makes no restarts: the fresh start (with migrations) stands in
  const coldStartMs = percentile(restartMs, 50) ?? first.readyMs;

  // 2. restore N saved sessions after a restart
  const sandbox = await startTestSandbox();
  let restoreFigures: Record<string, number> = {};
  try {
    const before = await startBenchWharf(sandbox);
    const linkStarted = performance.now();
    await linkInstances(before, sandbox, n, { series: 50 }).catch(async (error: unknown) => {
      await stopWharf(before);
      throw error;
    });
    const linkMs = performance.now() - linkStarted;
    const env = {
      ADMIN_TOKEN: before.adminToken,
      ENCRYPTION_KEY: before.encryptionKey,
      REDIS_KEY_PREFIX: before.redisPrefix,
    };
    const savedDb = before.db;
    // SIGTERM: sessions are closed, not logged out; the database is kept for the restart
    before.process.child.kill('SIGTERM');
    await before.process.exited;
    const after = await timedStart(sandbox, env, savedDb);
    try {
      // The instance list shows the state saved before the stop until a session reports again,
      // so reconnection is read from the `instance.state` = connected events published after the
      // spawn (event ids are UUIDv7: their time is the event's)
      const orm = await after.wharf.orm();
      let times: number[] = [];
      const deadline = performance.now() + 300_000;
      while (performance.now() < deadline) {
        const rows = await orm.em
          .fork()
          .find(EventLog, { event: 'instance.state' }, { disableIdentityMap: true });
        const byInstance = new Map<string, number>();
        for (const row of rows) {
          const at = uuidv7Time(row.id);
          if (row.data.state !== 'connected' || at < after.spawnedEpoch) continue;
          const id = row.instance.id;
          byInstance.set(id, Math.min(byInstance.get(id) ?? Infinity, at));
        }
        times = [...byInstance.values()].sort((a, b) => a - b);
        if (times.length >= n) break;
        await sleep(100);
      }
      if (times.length < n)
        throw new Error(`only ${times.length} of ${n} sessions reconnected in 300 s`);
      const firstConnectedMs = times[0] - after.spawnedEpoch;
      const allConnectedMs = times[n - 1] - after.spawnedEpoch;
      restoreFigures = {
        linkAllMs: linkMs,
        readyMs: after.readyMs,
        firstConnectedMs,
        allConnectedMs,
        restoreAfterReadyMs: allConnectedMs - after.readyMs,
        firstToLastMs: allConnectedMs - firstConnectedMs,
        staggerBoundMs: firstConnectedMs + ((n - 1) * 1000) / 10 + 1000,
      };
    } finally {
      const stopped = await stopWharf(after.wharf, false);
      if (stopped.error)
        result.notes.push(`Stopping the restored Wharf (${n} sessions) failed: ${stopped.error}`);
      await savedDb.drop();
    }
  } finally {
    await sandbox.close();
  }

  result.figures = {
    coldStart: { freshDatabaseMs: first.readyMs, restartsMs: restartMs, medianMs: coldStartMs },
    restore: restoreFigures,
  };
  printTable('restore: cold start to /health/ready, 0 sessions (ms)', [
    { run: 'fresh database (migrations)', ms: first.readyMs },
    ...restartMs.map((ms, i) => ({ run: `restart ${i + 1} (migrated)`, ms })),
  ]);
  printTable(`restore: ${n} saved sessions after a restart (ms since spawn)`, [
    {
      ready: restoreFigures.readyMs,
      'first connected': restoreFigures.firstConnectedMs,
      'all connected': restoreFigures.allConnectedMs,
      'all − ready': restoreFigures.restoreAfterReadyMs,
      'first → last': restoreFigures.firstToLastMs,
      'bound (1st + (N−1)×100 ms + 1 s)': restoreFigures.staggerBoundMs,
    },
  ]);
  result.targets = [
    {
      target: 'cold start ≤ 1.5 s (median restart)',
      value: Math.round(coldStartMs),
      met: coldStartMs <= 1500,
    },
    {
      target: `restore of ${n} within the D10 stagger bound`,
      value: Math.round(restoreFigures.allConnectedMs),
      met: restoreFigures.allConnectedMs <= restoreFigures.staggerBoundMs,
    },
  ];
  result.notes.push(
    'Cold start: spawn until the first 200 of /health/ready, polled every 10 ms (includes Node start and module loading). Restore: times of the first `instance.state` connected event of each instance after the spawn (event_log, polled every 100 ms; the instance list shows the saved state until a session reports). D10 allows at most 10 starts per second, so the bound is the first connect + (N−1) × 100 ms + 1 s for one connect.',
  );
  printTargets(result);
  return result;
}
