/**
 * Starts the real, built Wharf (`dist/src/main.js`, what `npm start` runs) as a child process on
 * a free port, over a throwaway database of the dialect named by WHARF_TEST_DB (`sqlite` default,
 * or `postgres`) and the local Redis under a private key prefix. Tests talk to it over HTTP only;
 * `orm()` and `secretBox()` let a test inspect what was stored.
 * Needs `npm run build` first (`npm test` builds before the e2e suites).
 */
import 'reflect-metadata';

import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { MikroORM } from '@mikro-orm/core';
import { SecretBox } from '@wharf/common/crypto/secret-box';
import { withEnvironment } from '@wharf/config';
import { loadSecurityConfig } from '@wharf/config/security.config';
import { buildOrmOptions } from '@wharf/database/mikro-orm.config';

import { createThrowawayDatabase, ThrowawayDatabase } from '../../scripts/db-tools';
import { freePort, spawnWharf, waitForHttp, WharfProcess } from './process';

export const TEST_DIALECT = process.env.WHARF_TEST_DB === 'postgres' ? 'postgresql' : 'sqlite';
export const REDIS_URL = process.env.WHARF_TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';

export interface WharfHandle {
  url: string;
  port: number;
  adminToken: string;
  encryptionKey: string;
  redisPrefix: string;
  db: ThrowawayDatabase;
  /** The environment the process was started with. */
  env: Record<string, string>;
  process: WharfProcess;
  /** A MikroORM connection to the same database (opened on first use, closed by `close()`). */
  orm(): Promise<MikroORM>;
  /** A SecretBox with the same keys as the process (D11). */
  secretBox(): SecretBox;
  /** SIGTERM, wait for exit, drop the database unless it was given. */
  close(): Promise<void>;
  /** SIGKILL without cleanup of the database (crash tests). */
  kill(): Promise<void>;
}

export interface StartOptions {
  env?: Record<string, string>;
  /** Reuse this database instead of creating one (restart tests); it is not dropped on close. */
  db?: ThrowawayDatabase;
  /** Node options before the script (benchmarks: `--cpu-prof`). */
  nodeArgs?: string[];
  /** Listen on this port instead of a free one picked here (benchmarks poll it from the spawn). */
  port?: number;
}

/** Starts Wharf and waits until it answers `/health/live`; call `close()` in `afterAll`. */
export async function startWharf(options: StartOptions = {}): Promise<WharfHandle> {
  const db = options.db ?? (await createThrowawayDatabase(TEST_DIALECT, 'wharf_e2e'));
  const dataDir = mkdtempSync(join(tmpdir(), 'wharf-data-'));
  const port = options.port ?? (await freePort());
  const env: Record<string, string> = {
    NODE_ENV: 'test',
    LOG_LEVEL: process.env.WHARF_TEST_LOG_LEVEL ?? 'silent',
    ENGINE_LOG_LEVEL: process.env.WHARF_TEST_ENGINE_LOG_LEVEL ?? 'warn',
    HOST: '127.0.0.1',
    PORT: String(port),
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
  const child = spawnWharf(env, options.nodeArgs);
  const url = `http://127.0.0.1:${port}`;
  try {
    await Promise.race([
      waitForHttp(`${url}/health/live`),
      child.exited.then((code) => {
        throw new Error(`Wharf exited with ${code} during start-up:\n${child.stderr()}`);
      }),
    ]);
  } catch (error) {
    child.child.kill('SIGKILL');
    throw error;
  }
  let orm: MikroORM | undefined;
  const cleanup = async () => {
    if (orm) await orm.close(true);
    orm = undefined;
    if (!options.db) await db.drop();
    rmSync(dataDir, { recursive: true, force: true });
  };
  return {
    url,
    port,
    adminToken: env.ADMIN_TOKEN,
    encryptionKey: env.ENCRYPTION_KEY,
    redisPrefix: env.REDIS_KEY_PREFIX,
    db,
    env,
    process: child,
    orm: async () => (orm ??= await MikroORM.init(buildOrmOptions(db.config))),
    secretBox: () => {
      const security = withEnvironment(env, loadSecurityConfig);
      return new SecretBox(security.encryptionKey, security.decryptionKeys);
    },
    close: async () => {
      if (child.child.exitCode === null && child.child.signalCode === null) {
        child.child.kill('SIGTERM');
        const code = await child.exited;
        if (code !== 0) throw new Error(`Wharf exited with ${code} on SIGTERM:\n${child.stderr()}`);
      }
      await cleanup();
    },
    kill: async () => {
      child.child.kill('SIGKILL');
      await child.exited;
    },
  };
}
