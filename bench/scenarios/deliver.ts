/**
 * `deliver`: webhook delivery to a local keep-alive receiver answering 200.
 * 1. Throughput: a backlog of B events is published (Wharf's own EventsService.publish from a
 *    separate process, test/webhook/publish-events.js) while Wharf is stopped; Wharf is started
 *    and the receiver times how fast one process drains it (deliveries/s, first to last).
 * 2. Latency at a fixed rate: events published at R/s (bench/support/publish-at-rate.js) for S
 *    seconds while Wharf runs; event-to-receiver latency p50/p99 from the UUIDv7 event ids.
 * Targets (issue 6): ≥ 1,000 deliveries/s per process, p99 ≤ 1 s at 500 events/s.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { createAccount, createInstance } from '../../test/support/fixtures';
import { Api } from '../../test/support/http';
import { waitUntil } from '../../test/support/wait';
import type { WharfHandle } from '../../test/support/wharf';
import { publishEvents } from '../../test/webhook/webhook-helpers';
import { startBenchReceiver } from '../support/receiver';
import {
  newResult,
  percentile,
  printTable,
  printTargets,
  type ScenarioResult,
} from '../support/report';
import { startBenchWharf, TEST_DIALECT } from '../support/wharf';
import type { BenchOptions } from './options';

export interface RatePublisherSpec {
  instances: Array<{ id: string; name: string }>;
  rate: number;
  seconds: number;
  event?: string;
  maxInFlight?: number;
}

export interface RatePublisherOutcome {
  published: number;
  seconds: number;
  achievedRate: number;
  peakInFlight: number;
  cappedTicks: number;
}

/** Runs bench/support/publish-at-rate.js against `wharf`'s database and Redis. */
export function publishAtRate(
  wharf: WharfHandle,
  spec: RatePublisherSpec,
): Promise<RatePublisherOutcome> {
  const dir = mkdtempSync(join(tmpdir(), 'wharf-bench-publish-'));
  const specFile = join(dir, 'spec.json');
  const outFile = join(dir, 'out.json');
  writeFileSync(specFile, JSON.stringify(spec));
  const child = spawn(
    process.execPath,
    [join(__dirname, '..', 'support', 'publish-at-rate.js'), specFile, outFile],
    {
      env: {
        PATH: process.env.PATH ?? '',
        ...wharf.env,
        PORT: '0',
        WEBHOOK_DELIVERY_CONCURRENCY: '0',
        WEBHOOK_SWEEP_INTERVAL_MS: '86400000',
        LOG_LEVEL: 'silent',
      },
      stdio: ['ignore', 'ignore', 'pipe'],
    },
  );
  let stderr = '';
  child.stderr?.on('data', (c: Buffer) => (stderr += c.toString()));
  return new Promise((resolve, reject) => {
    child.once('exit', (code) => {
      try {
        if (code !== 0) throw new Error(`publisher exited with ${code}:\n${stderr}`);
        resolve(JSON.parse(readFileSync(outFile, 'utf8')) as RatePublisherOutcome);
      } catch (error) {
        reject(error instanceof Error ? error : new Error(String(error)));
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    });
  });
}

export async function runDeliver(options: BenchOptions): Promise<ScenarioResult> {
  const backlog = options.n ?? (options.quick ? 100 : 10_000);
  const rate = options.rate ?? (options.quick ? 100 : 500);
  const seconds = options.seconds ?? (options.quick ? 2 : 20);
  const result = newResult('deliver', options.quick, TEST_DIALECT, { backlog, rate, seconds });
  const receiver = await startBenchReceiver();
  const first = await startBenchWharf(null);
  const keep = {
    ADMIN_TOKEN: first.adminToken,
    ENCRYPTION_KEY: first.encryptionKey,
    REDIS_KEY_PREFIX: first.redisPrefix,
  };
  const db = first.db;
  let wharf: WharfHandle | undefined;
  try {
    const token = (await createAccount(first, 'Bench')).token;
    const instance = await createInstance(first, token, 'bench-deliver');
    const res = await new Api(first.url).post(`/api/events/webhook/${instance.name}`, {
      token: instance.token,
      body: { label: 'bench', url: `${receiver.url}/hook`, events: ['call.update'] },
    });
    if (res.status !== 200) throw new Error(`webhook not set: ${res.status} ${res.text}`);
    first.process.child.kill('SIGTERM');
    await first.process.exited;

    // 1. backlog drained by one process
    await publishEvents(first, {
      instances: [{ id: instance.id, name: instance.name }],
      count: backlog,
      event: 'call.update',
      concurrency: 20,
      expectedDeliveries: backlog,
    }).done;
    wharf = await startBenchWharf(null, keep, { db });
    await waitUntil(
      `${backlog} deliveries to arrive`,
      () => receiver.arrivals.length >= backlog,
      600_000,
      20,
    );
    const drained = receiver.arrivals.slice(0, backlog);
    const drainMs = drained[drained.length - 1].at - drained[0].at;
    const drainRate = (backlog / Math.max(1, drainMs)) * 1000;
    receiver.arrivals.length = 0;

    // 2. latency at a fixed rate
    const outcome = await publishAtRate(wharf, {
      instances: [{ id: instance.id, name: instance.name }],
      rate,
      seconds,
    });
    await waitUntil(
      `${outcome.published} deliveries to arrive`,
      () => receiver.arrivals.length >= outcome.published,
      300_000,
      20,
    );
    const latencies = receiver.arrivals.map((a) => a.latencyMs);
    const arrivalsSpan =
      receiver.arrivals[receiver.arrivals.length - 1].at - receiver.arrivals[0].at;
    const atRate = {
      published: outcome.published,
      achievedPublishRate: outcome.achievedRate,
      deliveriesPerSecond: (receiver.arrivals.length / Math.max(1, arrivalsSpan)) * 1000,
      latencyMs: {
        p50: percentile(latencies, 50),
        p99: percentile(latencies, 99),
        p99_9: percentile(latencies, 99.9),
        max: percentile(latencies, 100),
      },
    };
    result.figures = {
      backlog: { events: backlog, drainMs, deliveriesPerSecond: drainRate },
      atRate,
    };
    printTable('deliver: one Wharf process, keep-alive receiver answering 200', [
      { run: `backlog of ${backlog}`, 'deliveries/s': drainRate, 'p50 ms': null, 'p99 ms': null },
      {
        run: `${rate} events/s for ${seconds} s (achieved ${Math.round(outcome.achievedRate)}/s)`,
        'deliveries/s': atRate.deliveriesPerSecond,
        'p50 ms': atRate.latencyMs.p50,
        'p99 ms': atRate.latencyMs.p99,
      },
    ]);
    result.targets = [
      {
        target: '≥ 1,000 deliveries/s per process (backlog drain)',
        value: Math.round(drainRate),
        met: drainRate >= 1000,
      },
      {
        target: `p99 ≤ 1 s at ${rate} events/s${rate === 500 ? '' : ' (target is stated at 500/s)'}`,
        value: atRate.latencyMs.p99,
        met: rate >= 500 ? (atRate.latencyMs.p99 ?? Infinity) <= 1000 : null,
      },
    ];
    result.notes.push(
      'Events enter through EventsService.publish in a publisher process on the same database and Redis (event_log row, delivery rows, Bull job): the Wharf process measured does the delivery work (jobs, HTTP, row updates). Latency runs from the event_log row creation (UUIDv7 eventId) to the receiver.',
    );
    printTargets(result);
    return result;
  } finally {
    if (wharf) await wharf.close();
    else first.process.child.kill('SIGKILL');
    await db.drop();
    await receiver.close();
  }
}
