import { join, resolve } from 'node:path';

import { registerAs } from '@nestjs/config';

import { ConfigError, readBool, readInt, readString } from './env';

export type DatabaseDialect = 'postgresql' | 'sqlite';

export interface DatabaseConfig {
  dialect: DatabaseDialect;
  /** PostgreSQL connection URL, or the SQLite file path (`file:` URL form accepted). */
  url: string;
  /** Whether pending migrations run at start-up (D19: always on in normal operation). */
  migrateOnStart: boolean;
  debug: boolean;
  /**
   * Most PostgreSQL connections this process opens (`DATABASE_POOL_MAX`, 1–200, default 20).
   * Under load each transaction holds its connection across several event-loop turns, so a
   * small pool caps throughput well below what PostgreSQL can take (bench `accept`).
   * SQLite always uses one connection.
   */
  poolMax: number;
}

/**
 * `DATABASE_URL` selects PostgreSQL (`postgres://` / `postgresql://`) or SQLite (`file:` or
 * `sqlite:` URL, or a path); when absent, SQLite at `DATA_DIR/wharf.sqlite` (D19).
 */
export function loadDatabaseConfig(): DatabaseConfig {
  const raw = readString('DATABASE_URL');
  const dataDir = resolve(readString('DATA_DIR') ?? './data');
  const common = {
    migrateOnStart: readBool('DATABASE_MIGRATE_ON_START', true),
    debug: readBool('DATABASE_DEBUG', false),
    poolMax: readInt('DATABASE_POOL_MAX', 20, 1, 200),
  };
  if (raw === undefined) {
    return { dialect: 'sqlite', url: join(dataDir, 'wharf.sqlite'), ...common };
  }
  if (/^postgres(ql)?:\/\//i.test(raw)) {
    try {
      new URL(raw);
    } catch {
      throw new ConfigError('DATABASE_URL', 'is not a valid PostgreSQL URL');
    }
    return { dialect: 'postgresql', url: raw, ...common };
  }
  if (/^(file|sqlite):/i.test(raw)) {
    const path = raw.replace(/^(file|sqlite):(\/\/)?/i, '');
    if (!path) throw new ConfigError('DATABASE_URL', 'names no SQLite file');
    return { dialect: 'sqlite', url: resolve(path), ...common };
  }
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(raw)) {
    throw new ConfigError('DATABASE_URL', 'must be a postgresql:// URL or a file: path for SQLite');
  }
  return { dialect: 'sqlite', url: resolve(raw), ...common };
}

export const databaseConfig = registerAs('database', loadDatabaseConfig);
