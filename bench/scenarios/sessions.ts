/**
 * `sessions`: memory per connected idle session. Wharf links instances to sandbox phones in
 * steps up to each size N (25, 50, 100 by default); after each step it settles and RSS (VmRSS of
 * the process) and heap used (`/metrics`) are read; per session = (value at N − baseline) ÷ N,
 * the baseline being taken after one warm-up session (Baileys is loaded with Wharf's first session). The floor does the same with N bare Baileys sockets in one process
 * (bench/floors/baileys-floor.ts). Targets (issue 6): ≤ 15 MB per session, ratio ≤ 1.3.
 */
import { startTestSandbox } from '../../test/support/sessions';
import { BaileysFloor } from '../support/child';
import {
  newResult,
  percentile,
  printTable,
  printTargets,
  ratio,
  type ScenarioResult,
} from '../support/report';
import {
  collectGarbage,
  heapUsedMB,
  linkInstances,
  phoneNumber,
  rssMB,
  sleep,
  startBenchWharf,
  stopWharf,
  TEST_DIALECT,
} from '../support/wharf';
import type { BenchOptions } from './options';

interface MemorySample {
  sessions: number;
  rssMB: number;
  heapMB: number;
}

/** Median of `samples` reads taken 1 s apart after `settleMs` (GC timing evens out). */
async function settled(
  settleMs: number,
  samples: number,
  read: () => Promise<{ rssMB: number; heapMB: number }>,
): Promise<{ rssMB: number; heapMB: number }> {
  await sleep(settleMs);
  const reads: Array<{ rssMB: number; heapMB: number }> = [];
  for (let i = 0; i < samples; i++) {
    reads.push(await read());
    if (i < samples - 1) await sleep(1_000);
  }
  return {
    rssMB: percentile(
      reads.map((r) => r.rssMB),
      50,
    )!,
    heapMB: percentile(
      reads.map((r) => r.heapMB),
      50,
    )!,
  };
}

export async function runSessions(options: BenchOptions): Promise<ScenarioResult> {
  const sizes = options.sizes ?? (options.quick ? [2] : [25, 50, 100]);
  const settleMs = options.quick ? 300 : 15_000;
  const samples = options.quick ? 1 : 5;
  const result = newResult('sessions', options.quick, TEST_DIALECT, {
    sizes,
    settleMs,
    samples,
  });
  const sandbox = await startTestSandbox();
  const wharfSamples: MemorySample[] = [];
  let stop: { ms: number; error: string | null } = { ms: 0, error: null };
  const reached: number[] = [];
  const floorSamples: MemorySample[] = [];
  try {
    // Wharf
    // the inspector lets the harness run a full GC before each reading (as the floor does)
    const wharf = await startBenchWharf(sandbox, {}, { nodeArgs: ['--inspect=127.0.0.1:0'] });
    try {
      const readWharf = async () => {
        await collectGarbage(wharf);
        return {
          rssMB: rssMB(wharf.process.child.pid) ?? NaN,
          heapMB: (await heapUsedMB(wharf)) ?? NaN,
        };
      };
      // one warm-up session first: Baileys is loaded with the first session, the floor loads it
      // at start; the baseline is taken with module code and one session in place
      await linkInstances(wharf, sandbox, 1, { series: 39 });
      wharfSamples.push({ sessions: 0, ...(await settled(settleMs, samples, readWharf)) });
      let linked = 0;
      for (const size of sizes) {
        try {
          await linkInstances(wharf, sandbox, size - linked, {
            series: 40 + sizes.indexOf(size),
          });
        } catch (error) {
          // a size that cannot be linked on this machine ends the series; smaller ones stand
          result.notes.push(
            `Wharf: linking up to ${size} sessions failed: ${(error as Error).message}`,
          );
          break;
        }
        reached.push(size);
        linked = size;
        wharfSamples.push({ sessions: size, ...(await settled(settleMs, samples, readWharf)) });
      }
    } finally {
      const stopped = await stopWharf(wharf);
      stop = { ms: stopped.ms, error: stopped.error };
    }

    // floor: bare Baileys sockets in one process
    const floorNumber = (index: number) => phoneNumber(49, index);
    const floor = await BaileysFloor.start(sandbox, floorNumber);
    try {
      const readFloor = async () => {
        const memory = await floor.memory();
        return { rssMB: rssMB(floor.pid) ?? NaN, heapMB: memory.heapUsed / 1024 / 1024 };
      };
      sandbox.createPhone(floorNumber(0), 'Floor warm-up');
      await floor.connect(1);
      floorSamples.push({ sessions: 0, ...(await settled(settleMs, samples, readFloor)) });
      let opened = 0;
      for (const size of reached) {
        for (let i = opened; i < size; i++) sandbox.createPhone(floorNumber(i + 1), `Floor ${i}`);
        // the floor process links in batches too: sockets open while the phones scan
        for (let done = opened; done < size; done += 5)
          await floor.connect(Math.min(5, size - done));
        opened = size;
        floorSamples.push({ sessions: size, ...(await settled(settleMs, samples, readFloor)) });
      }
    } finally {
      await floor.close();
    }
  } finally {
    await sandbox.close();
  }

  const perSession = (list: MemorySample[], size: number) => {
    const base = list[0];
    const at = list.find((s) => s.sessions === size)!;
    return {
      rssMBPerSession: (at.rssMB - base.rssMB) / size,
      heapMBPerSession: (at.heapMB - base.heapMB) / size,
    };
  };
  if (reached.length === 0)
    throw new Error(`no session count could be linked: ${result.notes.join('; ')}`);
  const rows = reached.map((size) => {
    const w = perSession(wharfSamples, size);
    const f = perSession(floorSamples, size);
    return {
      sessions: size,
      wharf: w,
      floor: f,
      rssRatio: ratio(w.rssMBPerSession, f.rssMBPerSession),
      heapRatio: ratio(w.heapMBPerSession, f.heapMBPerSession),
    };
  });
  result.figures = { wharfSamples, floorSamples, perSession: rows, wharfStop: stop };
  if (stop.error)
    result.notes.push(
      `Stopping Wharf with ${(reached[reached.length - 1] ?? 0) + 1} sessions (SIGTERM) took ${Math.round(stop.ms)} ms and failed: ${stop.error}`,
    );
  const largest = rows[rows.length - 1];
  result.ratios = { rssPerSession: largest.rssRatio, heapPerSession: largest.heapRatio };
  printTable('sessions: process memory after settling (MB)', [
    ...wharfSamples.map((s) => ({ side: 'Wharf', ...s })),
    ...floorSamples.map((s) => ({ side: 'bare Baileys', ...s })),
  ]);
  printTable(
    'sessions: MB per connected idle session (Δ from the baseline ÷ N)',
    rows.map((r) => ({
      N: r.sessions,
      'Wharf RSS': r.wharf.rssMBPerSession,
      'floor RSS': r.floor.rssMBPerSession,
      'RSS ratio': r.rssRatio,
      'Wharf heap': r.wharf.heapMBPerSession,
      'floor heap': r.floor.heapMBPerSession,
      'heap ratio': r.heapRatio,
    })),
  );
  result.targets = [
    {
      target: `≤ 15 MB per session (RSS, N=${largest.sessions})`,
      value: Math.round(largest.wharf.rssMBPerSession * 100) / 100,
      met: largest.wharf.rssMBPerSession <= 15,
    },
    {
      target: `ratio ≤ 1.3 (RSS per session, N=${largest.sessions})`,
      value: largest.rssRatio,
      met: largest.rssRatio === null ? null : largest.rssRatio <= 1.3,
    },
  ];
  result.notes.push(
    "Both sides first open one warm-up session (module loading, first-use caches) and take the baseline after it; N counts the sessions added after that. Wharf and the floor run as separate processes; the sandbox (with each phone's primary) runs in the harness process and is not counted. Each reading follows a full GC (Wharf: HeapProfiler.collectGarbage over --inspect; floor: gc() with --expose-gc). Heap is V8 heap used: Wharf's from /metrics, the floor's from process.memoryUsage().",
  );
  printTargets(result);
  return result;
}
