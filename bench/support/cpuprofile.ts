/**
 * Summarises a V8 `.cpuprofile` (written by `node --cpu-prof`): self time per function and per
 * package, so bench/RESULTS.md can say what the hot path spends its time on.
 */
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';

import { printTable } from './report';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  hitCount?: number;
  children?: number[];
}

interface CpuProfile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
  startTime: number;
  endTime: number;
}

/** One row of the summary: share of all samples spent in the frame (or package) itself. */
export interface FrameShare {
  frame: string;
  selfPercent: number;
  selfMs: number;
}

/** Where a script URL belongs: `node_modules/<package>`, `wharf:<path>`, `node:` or a V8 tag. */
export function ownerOf(url: string): string {
  if (!url) return '(native/V8)';
  const nm = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(url);
  if (nm) return nm[1];
  if (url.startsWith('node:')) return 'node core';
  const dist = /\/dist\/(.*)$/.exec(url);
  return dist ? `wharf:${dist[1].split('/').slice(0, 3).join('/')}` : url;
}

/** Top `limit` functions and packages by self time (shares of busy time, `(idle)` left out). */
export function summariseProfile(
  file: string,
  limit = 20,
): {
  totalMs: number;
  functions: FrameShare[];
  packages: FrameShare[];
  wharfInclusive: FrameShare[];
} {
  const profile = JSON.parse(readFileSync(file, 'utf8')) as CpuProfile;
  const byId = new Map(profile.nodes.map((node) => [node.id, node]));
  // self time per node from the samples and their time deltas (µs)
  const selfUs = new Map<number, number>();
  profile.samples.forEach((id, i) => {
    // idle time is not work: shares are of the time the process was busy
    if (byId.get(id)?.callFrame.functionName === '(idle)') return;
    selfUs.set(id, (selfUs.get(id) ?? 0) + (profile.timeDeltas[i] ?? 0));
  });
  const totalUs = [...selfUs.values()].reduce((a, b) => a + b, 0) || 1;
  const functions = new Map<string, number>();
  const packages = new Map<string, number>();
  for (const [id, us] of selfUs) {
    const frame = byId.get(id)?.callFrame;
    if (!frame) continue;
    const file = frame.url.replace(/^.*node_modules\//, '').replace(/^.*\/dist\//, 'dist/');
    const name =
      `${frame.functionName || '(anonymous)'} ${file ? `${file}:${frame.lineNumber + 1}` : ''}`.trim();
    functions.set(name, (functions.get(name) ?? 0) + us);
    const owner = ownerOf(frame.url);
    packages.set(owner, (packages.get(owner) ?? 0) + us);
  }
  // inclusive time of Wharf's own functions (dist/src): each busy sample counts once for every
  // distinct Wharf frame on its stack, so the route's pieces (guards, pipeline) can be compared
  const parent = new Map<number, number>();
  for (const node of profile.nodes)
    for (const child of node.children ?? []) parent.set(child, node.id);
  const inclusive = new Map<string, number>();
  for (const [id, us] of selfUs) {
    const seen = new Set<string>();
    for (let at: number | undefined = id; at !== undefined; at = parent.get(at)) {
      const frame = byId.get(at)?.callFrame;
      if (!frame || !frame.url.includes('/dist/src/')) continue;
      const name = `${frame.functionName || '(anonymous)'} ${frame.url.replace(/^.*\/dist\//, 'dist/')}:${frame.lineNumber + 1}`;
      if (seen.has(name)) continue;
      seen.add(name);
      inclusive.set(name, (inclusive.get(name) ?? 0) + us);
    }
  }
  const top = (map: Map<string, number>) =>
    [...map.entries()]
      .sort((a, b) => b[1] - a[1])
      .slice(0, limit)
      .map(([frame, us]) => ({
        frame,
        selfPercent: Math.round((us / totalUs) * 1000) / 10,
        selfMs: Math.round(us / 1000),
      }));
  return {
    totalMs: Math.round(totalUs / 1000),
    functions: top(functions),
    packages: top(packages),
    wharfInclusive: top(inclusive),
  };
}

// `npx ts-node bench/support/cpuprofile.ts <file.cpuprofile>` prints the summary as JSON
if (require.main === module) {
  const file = process.argv[2];
  if (!file) throw new Error('usage: cpuprofile.ts <file.cpuprofile>');
  process.stdout.write(`${JSON.stringify(summariseProfile(file, 30), null, 2)}\n`);
}

/**
 * Empties `dir` for a `--profile` run and returns the Node options that make Wharf write its
 * `.cpuprofile` there on exit (`[]` without `--profile`).
 */
export function profileArgs(dir: string, enabled: boolean): string[] {
  if (!enabled) return [];
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  return ['--cpu-prof', `--cpu-prof-dir=${dir}`];
}

/**
 * After Wharf has exited: summarises the profile it wrote to `dir` into `figures.profile` and
 * prints the three tables (top functions, packages, Wharf's inclusive time). No-op without one.
 */
export function reportProfile(
  scenario: string,
  dir: string,
  figures: Record<string, unknown>,
): void {
  const file = existsSync(dir)
    ? readdirSync(dir).find((f) => f.endsWith('.cpuprofile'))
    : undefined;
  if (!file) return;
  const summary = summariseProfile(join(dir, file), 25);
  figures.profile = { file: join(dir, file), ...summary };
  printTable(`${scenario}: Wharf CPU profile, top functions by self time`, summary.functions);
  printTable(`${scenario}: Wharf CPU profile, self time by package`, summary.packages);
  printTable(
    `${scenario}: Wharf CPU profile, inclusive time of Wharf functions`,
    summary.wharfInclusive,
  );
}
