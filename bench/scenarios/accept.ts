/**
 * `accept`: the HTTP accept path — `POST /api/message/text/:instance` with `Prefer:
 * respond-async` (auth + validation + message row + queue add) under autocannon with 100
 * connections — against the bare Fastify floor (bench/floors/accept-floor.ts: the same insert
 * and Bull add, nothing around it). Each side: warm-up, a peak run, then a run at half the peak
 * rate for the p99 target. Targets (issue 6): ≥ 2,000 req/s on 2 cores, ratio ≥ 0.6, p99 ≤ 50 ms
 * at half the peak rate.
 */
import type { ChildProcess } from 'node:child_process';
import { rmSync } from 'node:fs';
import { join } from 'node:path';

import autocannon from 'autocannon';

import { startTestSandbox } from '../../test/support/sessions';
import { forkTs, nextMessage } from '../support/child';
import { profileArgs, reportProfile } from '../support/cpuprofile';
import {
  newResult,
  printTable,
  printTargets,
  ratio,
  RESULTS_DIR,
  type ScenarioResult,
} from '../support/report';
import {
  linkInstances,
  phoneNumber,
  startBenchWharf,
  TEST_DIALECT,
  type WharfHandle,
} from '../support/wharf';
import type { BenchOptions } from './options';

interface LoadFigures {
  requestsPerSecond: number;
  latencyMs: { p50: number; p99: number; p99_9: number; max: number };
  total: number;
  non2xx: number;
  errors: number;
  timeouts: number;
}

async function load(
  url: string,
  headers: Record<string, string>,
  body: string,
  seconds: number,
  overallRate?: number,
): Promise<LoadFigures> {
  const result = await autocannon({
    url,
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body,
    connections: 100,
    duration: seconds,
    ...(overallRate ? { overallRate: Math.max(1, Math.round(overallRate)) } : {}),
  });
  return {
    requestsPerSecond: result.requests.total / seconds,
    latencyMs: {
      p50: result.latency.p50,
      p99: result.latency.p99,
      p99_9: result.latency.p99_9,
      max: result.latency.max,
    },
    total: result.requests.total,
    non2xx: result.non2xx,
    errors: result.errors,
    timeouts: result.timeouts,
  };
}

/** Warm-up, peak, half-peak runs against one target. */
async function measure(
  url: string,
  headers: Record<string, string>,
  body: string,
  seconds: number,
): Promise<{ peak: LoadFigures; half: LoadFigures }> {
  await load(url, headers, body, Math.max(1, Math.round(seconds / 3)));
  const peak = await load(url, headers, body, seconds);
  const half = await load(url, headers, body, seconds, peak.requestsPerSecond / 2);
  return { peak, half };
}

/** Stops Wharf fast (its parked outbound lane would hold a graceful stop ~25 s) and drops its data. */
async function stopWharf(wharf: WharfHandle, graceful: boolean): Promise<void> {
  if (graceful) {
    await wharf.close().catch(() => wharf.db.drop());
  } else {
    await wharf.kill();
    await wharf.db.drop();
  }
  rmSync(wharf.env.DATA_DIR, { recursive: true, force: true });
}

export async function runAccept(options: BenchOptions): Promise<ScenarioResult> {
  const seconds = options.seconds ?? (options.quick ? 1 : 10);
  const result = newResult('accept', options.quick, TEST_DIALECT, {
    connections: 100,
    seconds,
    profile: options.profile,
  });
  const profileDir = join(RESULTS_DIR, 'profiles');
  const nodeArgs = profileArgs(profileDir, options.profile);
  const sandbox = await startTestSandbox();
  const target = phoneNumber(39, 0);
  sandbox.createPhone(target, 'Target');
  const wharf = await startBenchWharf(sandbox, { RATE_LIMIT_PER_MINUTE: '1000000' }, { nodeArgs });
  let wharfStopped = false;
  let floor: ChildProcess | undefined;
  try {
    // one send per minute parks the outbound consumer: the run measures accepting, as the floor
    // (which has no consumer) does; the sends themselves are the `send` scenario
    const { instances } = await linkInstances(wharf, sandbox, 1, {
      series: 30,
      settings: { sendRatePerMinute: 1 },
    });
    const instance = instances[0];
    const body = JSON.stringify({ number: target, text: 'bench accept' });
    const wharfRun = await measure(
      `${wharf.url}/api/message/text/${instance.name}`,
      { token: instance.token, prefer: 'respond-async' },
      body,
      seconds,
    );

    // the floor writes to the same database (Wharf idles meanwhile) and the same Redis
    floor = forkTs('floors/accept-floor.ts', {
      FLOOR_DIALECT: wharf.db.config.dialect,
      FLOOR_DB_URL: wharf.db.config.url,
      FLOOR_REDIS_URL: wharf.env.REDIS_URL,
      FLOOR_REDIS_PREFIX: wharf.env.REDIS_KEY_PREFIX,
      FLOOR_INSTANCE_ID: instance.id,
    });
    const { port } = await nextMessage<{ port: number }>(floor, 'listening', 60_000);
    const floorRun = await measure(
      `http://127.0.0.1:${port}/floor/${instance.id}`,
      {},
      body,
      seconds,
    );

    result.figures = { wharf: wharfRun, floor: floorRun };
    result.ratios = {
      wharfOverFloor: ratio(wharfRun.peak.requestsPerSecond, floorRun.peak.requestsPerSecond),
    };
    const peakWharf = wharfRun.peak.requestsPerSecond;
    const peakFloor = floorRun.peak.requestsPerSecond;
    const row = (side: string, f: LoadFigures, rate: string) => ({
      side,
      rate,
      'req/s': f.requestsPerSecond,
      'p50 ms': f.latencyMs.p50,
      'p99 ms': f.latencyMs.p99,
      'p99.9 ms': f.latencyMs.p99_9,
      'non-2xx': f.non2xx,
      errors: f.errors + f.timeouts,
    });
    printTable(`accept: 100 connections, ${seconds} s per run`, [
      row('Wharf', wharfRun.peak, 'peak'),
      row('Wharf', wharfRun.half, `½ peak (${Math.round(peakWharf / 2)}/s)`),
      row('bare Fastify + insert + Bull', floorRun.peak, 'peak'),
      row('bare Fastify + insert + Bull', floorRun.half, `½ peak (${Math.round(peakFloor / 2)}/s)`),
      { side: 'ratio Wharf ÷ floor', 'req/s': result.ratios.wharfOverFloor },
    ]);
    result.targets = [
      { target: '≥ 2,000 req/s on 2 cores', value: Math.round(peakWharf), met: peakWharf >= 2000 },
      {
        target: 'ratio ≥ 0.6',
        value: result.ratios.wharfOverFloor,
        met: (result.ratios.wharfOverFloor ?? 0) >= 0.6,
      },
      {
        target: 'p99 ≤ 50 ms at half the peak rate',
        value: wharfRun.half.latencyMs.p99,
        met: wharfRun.half.latencyMs.p99 <= 50,
      },
    ];
    if (wharfRun.peak.non2xx > 0 || floorRun.peak.non2xx > 0)
      result.notes.push('Some answers were not 2xx: see figures.*.non2xx.');
    result.notes.push(
      `Wharf's instance has sendRatePerMinute=1, so its outbound consumer is parked during the run (the floor has no consumer either); database ${TEST_DIALECT}, local Redis; autocannon runs in the harness process on the same cores.`,
    );
    floor.kill();
    await stopWharf(wharf, options.profile);
    wharfStopped = true;
    if (options.profile) reportProfile('accept', profileDir, result.figures);
    printTargets(result);
    return result;
  } finally {
    floor?.kill();
    if (!wharfStopped) await stopWharf(wharf, false);
    await sandbox.close();
  }
}
