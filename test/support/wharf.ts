/**
 * Starts the real Wharf application (the same `createApp()` as `main.ts`) on an ephemeral port,
 * over a throwaway database of the dialect named by WHARF_TEST_DB (`sqlite` default, or
 * `postgres`) and the local Redis under a private key prefix.
 */
import 'reflect-metadata';

import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import type { NestFastifyApplication } from '@nestjs/platform-fastify';

import { createThrowawayDatabase, ThrowawayDatabase } from '../../scripts/db-tools';
import { createApp } from '../../src/app.factory';

export const TEST_DIALECT = process.env.WHARF_TEST_DB === 'postgres' ? 'postgresql' : 'sqlite';
export const REDIS_URL = process.env.WHARF_TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';

export interface WharfHandle {
  url: string;
  app: NestFastifyApplication;
  adminToken: string;
  encryptionKey: string;
  redisPrefix: string;
  db: ThrowawayDatabase;
  /** The environment the app was started with. */
  env: Record<string, string>;
  close(): Promise<void>;
}

export interface StartOptions {
  env?: Record<string, string>;
  /** Reuse this database instead of creating one (restart tests). */
  db?: ThrowawayDatabase;
}

const MANAGED_KEYS = new Set<string>();

/** Starts Wharf; call `close()` in `afterAll`. */
export async function startWharf(options: StartOptions = {}): Promise<WharfHandle> {
  const db = options.db ?? (await createThrowawayDatabase(TEST_DIALECT, 'wharf_e2e'));
  const dataDir = mkdtempSync(join(tmpdir(), 'wharf-data-'));
  const env: Record<string, string> = {
    NODE_ENV: 'test',
    LOG_LEVEL: 'silent',
    HOST: '127.0.0.1',
    PORT: '0',
    DATA_DIR: dataDir,
    DATABASE_URL: db.url,
    REDIS_URL,
    REDIS_KEY_PREFIX: `wharf-test:${randomBytes(6).toString('hex')}:`,
    ADMIN_TOKEN: `admin-${randomBytes(24).toString('base64url')}`,
    ENCRYPTION_KEY: randomBytes(32).toString('base64'),
    // Generous limits so suites are not throttled; rate-limit tests set their own.
    RATE_LIMIT_PER_MINUTE: '100000',
    RATE_LIMIT_INSTANCE_CREATE_PER_MINUTE: '100000',
    RATE_LIMIT_AUTH_FAILURES_PER_MINUTE: '100000',
    ...options.env,
  };
  for (const key of MANAGED_KEYS) delete process.env[key];
  for (const [key, value] of Object.entries(env)) {
    process.env[key] = value;
    MANAGED_KEYS.add(key);
  }
  const app = await createApp();
  await app.listen({ port: 0, host: '127.0.0.1' });
  const address = app.getHttpServer().address();
  if (!address || typeof address === 'string') throw new Error('no address');
  return {
    url: `http://127.0.0.1:${address.port}`,
    app,
    adminToken: env.ADMIN_TOKEN,
    encryptionKey: env.ENCRYPTION_KEY,
    redisPrefix: env.REDIS_KEY_PREFIX,
    db,
    env,
    close: async () => {
      await app.close();
      if (!options.db) await db.drop();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
