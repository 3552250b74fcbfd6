/**
 * Shared figures and output of the benchmark scenarios: the machine description, percentiles,
 * the printed table and the JSON result file `bench/results/<scenario>.json` (git-ignored).
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, totalmem } from 'node:os';
import { join } from 'node:path';

/** `bench/results`, or WHARF_BENCH_RESULTS_DIR (to keep a full run's files while trying others). */
export const RESULTS_DIR = process.env.WHARF_BENCH_RESULTS_DIR ?? join(__dirname, '..', 'results');

/** What the figures were measured on; `loadAverage` is `os.loadavg()` (1, 5, 15 min). */
export interface MachineInfo {
  cores: number;
  cpuModel: string;
  memoryMB: number;
  node: string;
  platform: string;
  loadAverage: { start: number[]; end?: number[] };
}

/** Describes this machine now (call at the start of a run; `end` load is filled on write). */
export function machineInfo(): MachineInfo {
  return {
    cores: cpus().length,
    cpuModel: cpus()[0]?.model ?? 'unknown',
    memoryMB: Math.round(totalmem() / 1024 / 1024),
    node: process.version,
    platform: `${process.platform}-${process.arch}`,
    loadAverage: { start: loadavg().map(round2) },
  };
}

/** A target of the issue and whether this run met it (`null`: not measurable in this run). */
export interface TargetCheck {
  target: string;
  value: number | string | null;
  met: boolean | null;
}

/** The JSON written per scenario. Figures are raw numbers in the units named by their keys. */
export interface ScenarioResult {
  scenario: string;
  quick: boolean;
  command: string;
  startedAt: string;
  finishedAt?: string;
  durationSeconds?: number;
  machine: MachineInfo;
  database: string;
  params: Record<string, unknown>;
  figures: Record<string, unknown>;
  ratios: Record<string, number | null>;
  targets: TargetCheck[];
  notes: string[];
}

/** Starts a result record for `scenario` (machine info and start time taken now). */
export function newResult(
  scenario: string,
  quick: boolean,
  database: string,
  params: Record<string, unknown>,
): ScenarioResult {
  return {
    scenario,
    quick,
    command: `npm run bench -- ${process.argv.slice(2).join(' ')}`,
    startedAt: new Date().toISOString(),
    machine: machineInfo(),
    database,
    params,
    figures: {},
    ratios: {},
    targets: [],
    notes: [],
  };
}

/** Writes `bench/results/<scenario>.json` (end load average and duration added); returns the path. */
export function writeResult(result: ScenarioResult): string {
  result.finishedAt = new Date().toISOString();
  result.durationSeconds = round2(
    (Date.parse(result.finishedAt) - Date.parse(result.startedAt)) / 1000,
  );
  result.machine.loadAverage.end = loadavg().map(round2);
  mkdirSync(RESULTS_DIR, { recursive: true });
  const file = join(RESULTS_DIR, `${result.scenario}.json`);
  writeFileSync(file, `${JSON.stringify(result, null, 2)}\n`);
  // read back: the file CI checks must be valid JSON
  JSON.parse(readFileSync(file, 'utf8'));
  return file;
}

/** Percentile `p` (0–100) of `values` by nearest rank; `null` when empty. */
export function percentile(values: number[], p: number): number | null {
  if (values.length === 0) return null;
  const sorted = [...values].sort((a, b) => a - b);
  const rank = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[rank];
}

export const round2 = (n: number): number => Math.round(n * 100) / 100;

/** `a / b` rounded to 3 decimals, or `null` when either is missing or `b` is 0. */
export function ratio(a: number | null | undefined, b: number | null | undefined): number | null {
  if (a == null || b == null || b === 0) return null;
  return Math.round((a / b) * 1000) / 1000;
}

/** Prints rows as an aligned Markdown table (the format pasted into bench/RESULTS.md). */
export function printTable(title: string, items: object[]): string {
  const rows = items as Array<Record<string, unknown>>;
  if (rows.length === 0) return '';
  const columns = [...new Set(rows.flatMap((row) => Object.keys(row)))];
  const cell = (value: unknown) =>
    value == null
      ? '–'
      : typeof value === 'number'
        ? String(round2(value))
        : typeof value === 'object'
          ? JSON.stringify(value)
          : `${value as string}`;
  const widths = columns.map((c) => Math.max(c.length, ...rows.map((r) => cell(r[c]).length)));
  const line = (values: string[]) => `| ${values.map((v, i) => v.padEnd(widths[i])).join(' | ')} |`;
  const text = [
    `\n### ${title}\n`,
    line(columns),
    `| ${widths.map((w) => '-'.repeat(w)).join(' | ')} |`,
    ...rows.map((row) => line(columns.map((c) => cell(row[c])))),
    '',
  ].join('\n');
  process.stdout.write(`${text}\n`);
  return text;
}

/** Prints the target checks as a table. */
export function printTargets(result: ScenarioResult): void {
  printTable(
    `${result.scenario}: targets`,
    result.targets.map((t) => ({
      target: t.target,
      value: t.value,
      met: t.met === null ? 'n/a' : t.met ? 'yes' : 'NO',
    })),
  );
}
