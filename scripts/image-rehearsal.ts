/**
 * Rehearses the Docker image without a Docker engine (issue 10; docs/runtime.md).
 *
 * Reads the repository's `Dockerfile` — the one place the image's steps are written — and
 *  1. runs its build stage in a clean temporary folder standing for the stage's WORKDIR: every
 *     `COPY` copies from the repository as the build context, every `RUN` runs there with bash on
 *     this process's Node (24, from scripts/node-runtime.sh) — install, build, prune;
 *  2. lays out the final stage's filesystem the same way: its `COPY --from=<stage>` lines copy
 *     from the build folder; its `RUN` lines (operating-system packages: ffmpeg, tini) are not
 *     run — the machine provides ffmpeg (.ci/run installs it) — and are listed as skipped;
 *  3. starts the final stage's `CMD` in that folder with the stage's `ENV` (so
 *     `NODE_ENV=production`), pointed at a throwaway PostgreSQL database, the local Redis and an
 *     in-process sandbox, and checks: the Dockerfile's own `HEALTHCHECK` command succeeds
 *     (`/health/ready` 200), an account and an instance can be created, and the instance links
 *     to a sandbox phone by QR; then SIGTERM must end it with exit code 0.
 *
 * Usage: `npm run image:rehearse` (after `npm install`; needs PostgreSQL and Redis like the e2e
 * tests). Exit code 0 when every check passed, 1 otherwise. `WHARF_REHEARSAL_KEEP=1` keeps the
 * temporary folder for a look.
 */
import { spawn, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import {
  cpSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  statSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join, posix, relative, resolve } from 'node:path';

import { startSandbox } from '../libs/sandbox/src';
import { Api } from '../test/support/http';
import { freePort } from '../test/support/process';
import { linkByQr } from '../test/support/sessions';
import { waitUntil } from '../test/support/wait';
import { createThrowawayDatabase } from './db-tools';

const REPO = resolve(__dirname, '..');

/** One instruction of a Dockerfile: its keyword (upper case), argument text and first line. */
export interface DockerInstruction {
  keyword: string;
  args: string;
  line: number;
}

/** One `FROM` stage: its image, optional `AS` name and instructions after the `FROM`. */
export interface DockerStage {
  image: string;
  name?: string;
  instructions: DockerInstruction[];
}

/**
 * Splits a Dockerfile into stages. Comments and parser directives are dropped, backslash line
 * continuations joined. Throws on an instruction before the first `FROM`.
 */
export function parseDockerfile(text: string): DockerStage[] {
  const stages: DockerStage[] = [];
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const first = i + 1;
    let line = lines[i].trim();
    if (!line || line.startsWith('#')) continue;
    while (line.endsWith('\\') && i + 1 < lines.length) {
      line = `${line.slice(0, -1).trimEnd()} ${lines[++i].trim()}`;
    }
    const match = /^(\S+)\s*(.*)$/.exec(line);
    if (!match) continue;
    const keyword = match[1].toUpperCase();
    const args = match[2].trim();
    if (keyword === 'FROM') {
      const from = /^(\S+)(?:\s+AS\s+(\S+))?$/i.exec(args);
      if (!from) throw new Error(`Dockerfile line ${first}: cannot read FROM ${args}`);
      stages.push({ image: from[1], name: from[2], instructions: [] });
      continue;
    }
    const stage = stages.at(-1);
    if (!stage) throw new Error(`Dockerfile line ${first}: ${keyword} before FROM`);
    stage.instructions.push({ keyword, args, line: first });
  }
  return stages;
}

/** `K=V K2="V 2"` of an `ENV` instruction as a map. */
export function parseEnv(args: string): Record<string, string> {
  const env: Record<string, string> = {};
  for (const match of args.matchAll(/([A-Za-z_][A-Za-z0-9_]*)=("([^"]*)"|\S*)/g)) {
    env[match[1]] = match[3] ?? match[2];
  }
  return env;
}

/** A JSON-array (exec form) argument such as `CMD ["node", "dist/src/main.js"]`. */
export function parseExecForm(args: string): string[] {
  const parsed: unknown = JSON.parse(args);
  if (!Array.isArray(parsed) || !parsed.every((part) => typeof part === 'string')) {
    throw new Error(`expected a JSON array of strings, got ${args}`);
  }
  return parsed;
}

/** A `COPY` instruction split into its `--flag=value` options, sources and destination. */
export function parseCopy(args: string): {
  flags: Record<string, string>;
  sources: string[];
  dest: string;
} {
  const words = args.split(/\s+/).filter(Boolean);
  const flags: Record<string, string> = {};
  while (words[0]?.startsWith('--')) {
    const [name, value = ''] = words.shift()!.slice(2).split('=');
    flags[name] = value;
  }
  const dest = words.pop();
  if (!dest || !words.length) throw new Error(`COPY needs a source and a destination: ${args}`);
  return { flags, sources: words, dest };
}

/** A stage's filesystem: the host folder that stands for its WORKDIR. */
interface StageRoot {
  workdir: string;
  folder: string;
}

/** The host path of `path` (absolute, or relative to the WORKDIR) inside a stage's filesystem. */
function hostPath(root: StageRoot, path: string): string {
  const absolute = posix.isAbsolute(path) ? path : posix.join(root.workdir, path);
  const inside = posix.relative(root.workdir, absolute);
  if (inside.startsWith('..')) {
    throw new Error(`${path} lies outside the WORKDIR ${root.workdir}; the rehearsal maps only it`);
  }
  return join(root.folder, inside);
}

/** Docker's COPY semantics for the cases our Dockerfile uses (files, folders, `dir/` targets). */
function copyInto(source: string, dest: string, destIsFolder: boolean): void {
  if (!existsSync(source)) throw new Error(`COPY source ${source} does not exist`);
  const target = statSync(source).isDirectory()
    ? dest
    : destIsFolder
      ? join(dest, basename(source))
      : dest;
  cpSync(source, target, { recursive: true, dereference: true });
}

function log(message: string): void {
  console.log(`image-rehearsal: ${message}`);
}

/** Runs one `RUN` line with bash in `cwd`; throws with its exit code when it fails. */
function runShell(command: string, cwd: string): void {
  const started = Date.now();
  const result = spawnSync('bash', ['-euo', 'pipefail', '-c', command], {
    cwd,
    stdio: 'inherit',
    env: process.env,
  });
  if (result.status !== 0) throw new Error(`RUN ${command} exited with ${result.status}`);
  log(`  done in ${((Date.now() - started) / 1000).toFixed(1)} s`);
}

/** Builds the build stage and lays out the final stage; returns the final stage's run data. */
function buildImageTree(work: string): {
  folder: string;
  env: Record<string, string>;
  cmd: string[];
  healthcheck?: string[];
} {
  const stages = parseDockerfile(readFileSync(join(REPO, 'Dockerfile'), 'utf8'));
  if (stages.length < 2) throw new Error('expected a build stage and a final stage');
  const roots = new Map<string, StageRoot>();
  let result: ReturnType<typeof buildImageTree> | undefined;
  stages.forEach((stage, index) => {
    const final = index === stages.length - 1;
    const label = stage.name ?? `stage ${index}`;
    const root: StageRoot = { workdir: '/', folder: join(work, stage.name ?? `stage-${index}`) };
    mkdirSync(root.folder, { recursive: true });
    const env: Record<string, string> = {};
    let cmd: string[] | undefined;
    let healthcheck: string[] | undefined;
    log(`${label}: FROM ${stage.image}`);
    for (const { keyword, args, line } of stage.instructions) {
      switch (keyword) {
        case 'WORKDIR':
          root.workdir = posix.resolve(root.workdir, args);
          break;
        case 'ENV':
          Object.assign(env, parseEnv(args));
          break;
        case 'COPY': {
          const { flags, sources, dest } = parseCopy(args);
          const from = flags.from ? roots.get(flags.from) : undefined;
          if (flags.from && !from) throw new Error(`line ${line}: unknown stage ${flags.from}`);
          const target = hostPath(root, dest);
          const destIsFolder = dest.endsWith('/') || sources.length > 1;
          for (const source of sources) {
            const path = from ? hostPath(from, source) : resolve(REPO, source);
            if (!from && relative(REPO, path).startsWith('..')) {
              throw new Error(`line ${line}: ${source} is outside the build context`);
            }
            copyInto(path, target, destIsFolder);
          }
          log(`  COPY ${args}`);
          break;
        }
        case 'RUN':
          if (final) {
            log(
              `  skipped (system packages of the image; the machine provides ffmpeg): RUN ${args}`,
            );
          } else {
            log(`  RUN ${args}`);
            runShell(args, hostPath(root, '.'));
          }
          break;
        case 'CMD':
          cmd = parseExecForm(args);
          break;
        case 'HEALTHCHECK': {
          const command = /\bCMD\s+(.*)$/.exec(args)?.[1];
          if (command) healthcheck = ['bash', '-c', command];
          break;
        }
        default:
          // USER, VOLUME, EXPOSE, ENTRYPOINT (tini as PID 1) only matter inside a container.
          log(`  not applicable outside a container: ${keyword} ${args}`);
      }
    }
    if (stage.name) roots.set(stage.name, root);
    if (final) {
      if (!cmd) throw new Error('the final stage has no CMD');
      result = { folder: hostPath(root, '.'), env, cmd, healthcheck };
    }
  });
  return result!;
}

/** Size of a folder in MiB (du). */
function sizeMiB(folder: string): string {
  const du = spawnSync('du', ['-sm', folder], { encoding: 'utf8' });
  return du.stdout.split('\t')[0] ?? '?';
}

async function main(): Promise<void> {
  const started = Date.now();
  const work = mkdtempSync(join(tmpdir(), 'wharf-image-'));
  const dataDir = join(work, 'data');
  mkdirSync(dataDir);
  const db = await createThrowawayDatabase('postgresql', 'wharf_image');
  const sandbox = await startSandbox({ port: 0, controlPort: 0 });
  let failed = false;
  try {
    const image = buildImageTree(work);
    for (const devOnly of ['jest', 'ts-jest', 'eslint', '@nestjs/cli']) {
      if (existsSync(join(image.folder, 'node_modules', devOnly))) {
        throw new Error(`the pruned tree still holds the dev dependency ${devOnly}`);
      }
    }
    log(
      `image tree: ${sizeMiB(image.folder)} MiB (node_modules ${sizeMiB(join(image.folder, 'node_modules'))} MiB)`,
    );

    const port = await freePort();
    const adminToken = `admin-${randomBytes(24).toString('base64url')}`;
    const env: Record<string, string> = {
      PATH: process.env.PATH ?? '',
      ...image.env,
      // What `docker run -e …` and the volume would give the container:
      DATA_DIR: dataDir,
      PORT: String(port),
      HOST: '127.0.0.1',
      DATABASE_URL: db.url,
      REDIS_URL: process.env.WHARF_TEST_REDIS_URL ?? 'redis://127.0.0.1:6379',
      REDIS_KEY_PREFIX: `wharf-image:${randomBytes(6).toString('hex')}:`,
      ADMIN_TOKEN: adminToken,
      ENCRYPTION_KEY: randomBytes(32).toString('base64'),
      WA_SANDBOX_URL: sandbox.wsUrl,
    };
    if (env.NODE_ENV !== 'production')
      throw new Error('the final stage does not set NODE_ENV=production');
    const [command, ...args] = image.cmd;
    const executable = command === 'node' ? process.execPath : command;
    log(`starting ${image.cmd.join(' ')} with NODE_ENV=${env.NODE_ENV} on port ${port}`);
    const child = spawn(executable, args, {
      cwd: image.folder,
      env,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    const exited = new Promise<number | null>((done) => child.once('exit', (code) => done(code)));
    try {
      const healthcheck = image.healthcheck;
      if (!healthcheck) throw new Error('the final stage has no HEALTHCHECK');
      await waitUntil(
        'the HEALTHCHECK command to succeed',
        async () => {
          if (child.exitCode !== null) throw new Error(`Wharf exited with ${child.exitCode}`);
          const probe = spawnSync(healthcheck[0], healthcheck.slice(1), { env, encoding: 'utf8' });
          return probe.status === 0 ? true : undefined;
        },
        60_000,
        500,
      );
      log('HEALTHCHECK (GET /health/ready) passed');

      const api = new Api(`http://127.0.0.1:${port}`);
      const account = await api.post('/api/admin/accounts', {
        token: adminToken,
        body: { name: 'Rehearsal' },
      });
      if (account.status !== 201 && account.status !== 200) {
        throw new Error(`account create answered ${account.status}: ${account.text}`);
      }
      const ta = account.body.account.token as string;
      const instance = await api.post('/api/instance/new', { token: ta, body: { name: 'image' } });
      if (instance.status !== 201)
        throw new Error(`instance create answered ${instance.status}: ${instance.text}`);
      log('created an account and an instance');

      sandbox.createPhone('5511900000999', 'Rehearsal phone');
      const linked = await linkByQr(api, sandbox, ta, 'image', '5511900000999');
      log(`linked by QR to a sandbox phone: ${linked.numberJid as string}`);
    } finally {
      if (child.exitCode === null) child.kill('SIGTERM');
      const code = await exited;
      if (code !== 0) {
        failed = true;
        console.error(
          `image-rehearsal: Wharf exited with ${code} on SIGTERM\n${output.slice(-4000)}`,
        );
      } else {
        log('SIGTERM: exited with 0');
      }
    }
  } catch (error) {
    failed = true;
    console.error(`image-rehearsal: FAILED: ${(error as Error).message}`);
  } finally {
    await sandbox.close();
    await db.drop();
    if (process.env.WHARF_REHEARSAL_KEEP) log(`kept ${work}`);
    else rmSync(work, { recursive: true, force: true });
  }
  log(`${failed ? 'FAILED' : 'passed'} in ${((Date.now() - started) / 1000).toFixed(0)} s`);
  process.exit(failed ? 1 : 0);
}

if (require.main === module) void main();
