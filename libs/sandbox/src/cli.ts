import { existsSync, readFileSync, renameSync, writeFileSync } from 'node:fs';

import pino from 'pino';

import { assertSandboxState, type SandboxState } from './persistence';
import { startSandbox } from './sandbox';

/**
 * `npm run sandbox [-- --state-file <path>]`: starts the sandbox on SANDBOX_PORT (default 8900),
 * SANDBOX_CONTROL_PORT (default 8901) and SANDBOX_MEDIA_PORT (HTTPS media host, default 8902),
 * host SANDBOX_HOST (default 127.0.0.1), and stops it on SIGINT/SIGTERM. With `--state-file`
 * (or SANDBOX_STATE_FILE) it starts from the state saved in that file when the file exists, and
 * writes its state there when it stops, so phones and linked companions survive restarts.
 */
function port(name: string, fallback: number): number {
  const raw = process.env[name];
  if (raw === undefined || raw === '') {
    return fallback;
  }
  const value = Number(raw);
  if (!Number.isInteger(value) || value < 0 || value > 65535) {
    throw new Error(`${name} must be a port number, got "${raw}"`);
  }
  return value;
}

/** The value of `--state-file <path>` / `--state-file=<path>`, else SANDBOX_STATE_FILE. */
function stateFile(argv: string[]): string | undefined {
  for (let i = 0; i < argv.length; i++) {
    if (argv[i] === '--state-file') {
      const value = argv[i + 1];
      if (!value || value.startsWith('--')) {
        throw new Error('--state-file needs a path');
      }
      return value;
    }
    if (argv[i].startsWith('--state-file=')) {
      return argv[i].slice('--state-file='.length) || undefined;
    }
  }
  return process.env.SANDBOX_STATE_FILE || undefined;
}

function readState(file: string): SandboxState | undefined {
  if (!existsSync(file)) {
    return undefined;
  }
  const state: unknown = JSON.parse(readFileSync(file, 'utf8'));
  assertSandboxState(state);
  return state;
}

/** Writes the state next to `file` first, then renames it over, so a crash never truncates it. */
function writeState(file: string, state: SandboxState): void {
  const partial = `${file}.partial`;
  writeFileSync(partial, `${JSON.stringify(state)}\n`, { mode: 0o600 });
  renameSync(partial, file);
}

async function main(): Promise<void> {
  const logger = pino({ level: process.env.SANDBOX_LOG_LEVEL ?? 'info' });
  const file = stateFile(process.argv.slice(2));
  const state = file ? readState(file) : undefined;
  const sandbox = await startSandbox({
    port: port('SANDBOX_PORT', 8900),
    controlPort: port('SANDBOX_CONTROL_PORT', 8901),
    mediaPort: port('SANDBOX_MEDIA_PORT', 8902),
    host: process.env.SANDBOX_HOST ?? '127.0.0.1',
    logger,
    state,
  });
  logger.info(
    { wsUrl: sandbox.wsUrl, controlUrl: sandbox.controlUrl, mediaUrl: sandbox.mediaUrl },
    `WhatsApp sandbox listening: chat ${sandbox.wsUrl}, control ${sandbox.controlUrl}`,
  );
  if (file) {
    logger.info(
      { stateFile: file, restored: state !== undefined },
      state ? 'state restored from the state file' : 'state file absent: starting empty',
    );
  }
  let stopping = false;
  const stop = (signal: NodeJS.Signals): void => {
    if (stopping) {
      return;
    }
    stopping = true;
    logger.info({ signal }, 'stopping sandbox');
    // closed first, so that no stanza is processed while the state is taken
    const closeAndSave = async (): Promise<void> => {
      await sandbox.close();
      if (file) {
        writeState(file, await sandbox.exportState());
        logger.info({ stateFile: file }, 'state saved');
      }
    };
    closeAndSave().then(
      () => process.exit(0),
      (err: unknown) => {
        logger.error({ err }, 'error while stopping the sandbox');
        process.exit(1);
      },
    );
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
