/**
 * `list`: `GET /api/instance/list` of an account with N = 10,000 instances (issue 11; paged
 * since D23 in docs/DECISIONS.md: `limit` 1–500, default 100). Measures, each on its own: the
 * default page and `limit=500` one call at a time (latency, response size); 10 parallel
 * `limit=500` calls (wall time, latencies); the whole list walked by `cursor` at `limit=500`; and
 * meanwhile `GET /health` latency (sampled every 50 ms) and Wharf's RSS (every 50 ms). Before
 * paging, the full list was 9.8 MB, blocked the loop 1.7 s, and 10 parallel calls stalled
 * everything 15 s and took RSS to 1.26 GB. Instances are written straight into the database
 * (test/support/bulk-instances.ts), so the figures are the list's, not the creation's.
 * Issue 11 sets no target figures: the scenario reports them (bench/RESULTS.md).
 */
import { insertInstances } from '../../test/support/bulk-instances';
import { createAccount } from '../../test/support/fixtures';
import { sampleHealth } from '../../test/support/health-sampler';
import {
  newResult,
  percentile,
  printTable,
  type ScenarioResult,
} from '../support/report';
import { rssMB, sleep, startBenchWharf, stopWharf, TEST_DIALECT } from '../support/wharf';
import type { BenchOptions } from './options';

/** One list call: latency (ms), body size (bytes), items and the next cursor. */
interface Call {
  ms: number;
  bytes: number;
  items: number;
  nextCursor: string | null;
}

async function listCall(url: string, token: string, query: string): Promise<Call> {
  const started = performance.now();
  const res = await fetch(`${url}/api/instance/list${query}`, { headers: { token } });
  const body = Buffer.from(await res.arrayBuffer());
  const ms = performance.now() - started;
  if (res.status !== 200) throw new Error(`list${query} answered ${res.status}`);
  const parsed = JSON.parse(body.toString('utf8')) as {
    instances: unknown[];
    meta: { nextCursor: string | null };
  };
  return {
    ms,
    bytes: body.length,
    items: parsed.instances.length,
    nextCursor: parsed.meta.nextCursor,
  };
}

/** Samples `/health` latency (test/support/health-sampler.ts) and Wharf's RSS every 50 ms. */
function sampler(url: string, pid: number | undefined) {
  const health = sampleHealth(url);
  const rss: number[] = [];
  let running = true;
  const rssLoop = (async () => {
    while (running) {
      const value = rssMB(pid);
      if (value !== null) rss.push(value);
      await sleep(50);
    }
  })();
  return {
    stop: async () => {
      running = false;
      await rssLoop;
      return { health: await health.stop(), rss };
    },
  };
}

const summary = (values: number[]) => ({
  p50: percentile(values, 50),
  p99: percentile(values, 99),
  max: values.length ? Math.max(...values) : null,
});

export async function runList(options: BenchOptions): Promise<ScenarioResult> {
  const n = options.n ?? (options.quick ? 1000 : 10_000);
  const repeats = options.quick ? 3 : 10;
  const parallel = 10;
  const result = newResult('list', options.quick, TEST_DIALECT, {
    instances: n,
    repeats,
    parallel,
  });
  const wharf = await startBenchWharf(null);
  try {
    const account = await createAccount(wharf, 'List');
    const insertStarted = performance.now();
    await insertInstances(wharf, account.id, n, 'listed');
    const insertMs = performance.now() - insertStarted;
    const pid = wharf.process.child.pid;
    const rssIdleMB = rssMB(pid);
    // Warm-up: the first request of a route pays for compilation and connection set-up.
    await listCall(wharf.url, account.token, '?limit=10');

    const phases: Array<Record<string, unknown>> = [];
    const figures: Record<string, unknown> = { insertMs, rssIdleMB };
    const measure = async (phase: string, run: () => Promise<Call[]>) => {
      const sampling = sampler(wharf.url, pid);
      const started = performance.now();
      const calls = await run();
      const wallMs = performance.now() - started;
      const { health, rss } = await sampling.stop();
      const entry = {
        phase,
        calls: calls.length,
        wallMs,
        latencyMs: summary(calls.map((c) => c.ms)),
        bytesPerCall: summary(calls.map((c) => c.bytes)).max,
        itemsPerCall: summary(calls.map((c) => c.items)).max,
        healthMs: summary(health),
        healthSamples: health.length,
        rssMaxMB: rss.length ? Math.max(...rss) : null,
      };
      figures[phase] = entry;
      phases.push(entry);
    };

    const sequential = (query: string) => async () => {
      const calls: Call[] = [];
      for (let i = 0; i < repeats; i++) calls.push(await listCall(wharf.url, account.token, query));
      return calls;
    };
    await measure('default page', sequential(''));
    await measure('limit=500', sequential('?limit=500'));
    await measure(`${parallel} parallel limit=500`, () =>
      Promise.all(
        Array.from({ length: parallel }, () => listCall(wharf.url, account.token, '?limit=500')),
      ),
    );
    await measure('walk all by cursor, limit=500', async () => {
      const calls: Call[] = [];
      let cursor: string | null = null;
      do {
        const call = await listCall(
          wharf.url,
          account.token,
          `?limit=500${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`,
        );
        calls.push(call);
        cursor = call.nextCursor;
      } while (cursor);
      const seen = calls.reduce((sum, call) => sum + call.items, 0);
      if (seen !== n) throw new Error(`the cursor walk saw ${seen} of ${n} instances`);
      return calls;
    });
    figures.rssAfterMB = rssMB(pid);
    result.figures = figures;

    printTable(
      `list: GET /api/instance/list with ${n} instances (${TEST_DIALECT})`,
      phases.map((p) => {
        const latency = p.latencyMs as ReturnType<typeof summary>;
        const health = p.healthMs as ReturnType<typeof summary>;
        return {
          phase: p.phase,
          calls: p.calls,
          'wall ms': p.wallMs,
          'p50 ms': latency.p50,
          'max ms': latency.max,
          'KB/call': (p.bytesPerCall as number) / 1024,
          '/health p50 ms': health.p50,
          '/health max ms': health.max,
          'RSS max MB': p.rssMaxMB,
        };
      }),
    );
    result.notes.push(
      `Instances inserted straight into the database (${Math.round(insertMs)} ms for ${n}); a warm-up call first. Latency is the client's (request to last body byte); /health and RSS (VmRSS) sampled every 50 ms during each phase. Idle RSS ${rssIdleMB?.toFixed(0)} MB.`,
    );
  } finally {
    await stopWharf(wharf);
  }
  return result;
}
