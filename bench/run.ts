/**
 * Benchmark entry point: `npm run bench -- <scenario> [--quick] [flags]` (bench/README.md).
 * Runs one scenario (or `all`), prints its tables and writes `bench/results/<scenario>.json`.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';

import { runAccept } from './scenarios/accept';
import { runDeliver } from './scenarios/deliver';
import { runList } from './scenarios/list';
import { type BenchOptions, parseOptions } from './scenarios/options';
import { runRestore } from './scenarios/restore';
import { runSend } from './scenarios/send';
import { runSessions } from './scenarios/sessions';
import { runSoak } from './scenarios/soak';
import { type ScenarioResult, writeResult } from './support/report';

const SCENARIOS: Record<string, (options: BenchOptions) => Promise<ScenarioResult>> = {
  accept: runAccept,
  send: runSend,
  deliver: runDeliver,
  sessions: runSessions,
  restore: runRestore,
  soak: runSoak,
  list: runList,
};

async function main(): Promise<void> {
  const [name, ...flags] = process.argv.slice(2);
  if (!name || (name !== 'all' && !SCENARIOS[name])) {
    process.stderr.write(
      `usage: npm run bench -- <${[...Object.keys(SCENARIOS), 'all'].join('|')}> [--quick] [--n N] [--seconds S] [--rate R] [--minutes M] [--sizes a,b,c] [--profile]\n`,
    );
    process.exit(2);
  }
  if (!existsSync(join(__dirname, '..', 'dist', 'src', 'main.js')))
    throw new Error('dist/src/main.js is missing: run "npm run build" first');
  const options = parseOptions(flags);
  const names = name === 'all' ? Object.keys(SCENARIOS) : [name];
  const failed: string[] = [];
  for (const scenario of names) {
    const started = Date.now();
    process.stdout.write(`\n== ${scenario}${options.quick ? ' (quick)' : ''}\n`);
    try {
      const result = await SCENARIOS[scenario](options);
      const file = writeResult(result);
      process.stdout.write(
        `${scenario}: ${((Date.now() - started) / 1000).toFixed(1)} s, wrote ${file}\n`,
      );
    } catch (error) {
      // `all` goes on with the next scenario; the run still fails at the end
      failed.push(scenario);
      process.stderr.write(
        `${scenario} failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
      );
    }
  }
  if (failed.length) throw new Error(`failed scenarios: ${failed.join(', ')}`);
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    process.stderr.write(
      `bench failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
    );
    process.exit(1);
  },
);
