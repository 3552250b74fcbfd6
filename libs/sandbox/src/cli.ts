import pino from 'pino';

import { startSandbox } from './sandbox';

/**
 * `npm run sandbox`: starts the sandbox on SANDBOX_PORT (default 8900),
 * SANDBOX_CONTROL_PORT (default 8901) and SANDBOX_MEDIA_PORT (HTTPS media host, default 8902),
 * host SANDBOX_HOST (default 127.0.0.1), and stops it on SIGINT/SIGTERM.
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

async function main(): Promise<void> {
  const logger = pino({ level: process.env.SANDBOX_LOG_LEVEL ?? 'info' });
  const sandbox = await startSandbox({
    port: port('SANDBOX_PORT', 8900),
    controlPort: port('SANDBOX_CONTROL_PORT', 8901),
    mediaPort: port('SANDBOX_MEDIA_PORT', 8902),
    host: process.env.SANDBOX_HOST ?? '127.0.0.1',
    logger,
  });
  logger.info(
    { wsUrl: sandbox.wsUrl, controlUrl: sandbox.controlUrl, mediaUrl: sandbox.mediaUrl },
    `WhatsApp sandbox listening: chat ${sandbox.wsUrl}, control ${sandbox.controlUrl}`,
  );
  let stopping = false;
  const stop = (signal: NodeJS.Signals): void => {
    if (stopping) {
      return;
    }
    stopping = true;
    logger.info({ signal }, 'stopping sandbox');
    sandbox.close().then(
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
