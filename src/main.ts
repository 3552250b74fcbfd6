import 'reflect-metadata';

import { Logger } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';

import { createApp } from './app.factory';
import { AllConfig, ConfigError } from './config';

async function bootstrap(): Promise<void> {
  const app = await createApp();
  const config = app.get(ConfigService<AllConfig, true>);
  const { host, port, publicUrl, docsEnabled } = config.get('app', { infer: true });
  const security = config.get('security', { infer: true });
  const logger = new Logger('Wharf');
  if (security.adminTokenFile)
    logger.warn(
      `ADMIN_TOKEN is not set: using the generated token stored in ${security.adminTokenFile}`,
    );
  if (security.encryptionKeyFile) {
    logger.warn(
      `ENCRYPTION_KEY is not set: using the generated key stored in ${security.encryptionKeyFile} (back it up)`,
    );
  }
  let stopping = false;
  const shutdown = (signal: NodeJS.Signals): void => {
    if (stopping) return;
    stopping = true;
    logger.log(`${signal} received: closing connections and stopping`);
    // Shutdown hooks stop sockets and flush state; past the grace period, exit anyway.
    const force = setTimeout(() => {
      logger.error('Shutdown took longer than 25 s; exiting');
      process.exit(1);
    }, 25_000);
    force.unref();
    app.close().then(
      () => process.exit(0),
      (error: unknown) => {
        logger.error(`Shutdown failed: ${error instanceof Error ? error.message : String(error)}`);
        process.exit(1);
      },
    );
  };
  // A failure that escaped its handler is a bug to fix, not a reason to drop every session.
  process.on('unhandledRejection', (reason: unknown) => {
    logger.error(
      `Unhandled rejection: ${reason instanceof Error ? (reason.stack ?? reason.message) : String(reason)}`,
    );
  });
  process.once('SIGTERM', shutdown);
  process.once('SIGINT', shutdown);

  await app.listen({ port, host });
  logger.log(
    `Wharf listening on ${host}:${port} (${publicUrl})${docsEnabled ? `, docs at ${publicUrl}/docs` : ''}`,
  );
}

bootstrap().catch((error: unknown) => {
  if (error instanceof ConfigError) {
    process.stderr.write(`${error.message}\n`);
  } else {
    process.stderr.write(
      `Wharf failed to start: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
    );
  }
  process.exit(1);
});
