import { mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';

import type { Options } from '@mikro-orm/core';
import { LibSqlDriver } from '@mikro-orm/libsql';
import { Migrator } from '@mikro-orm/migrations';
import { PostgreSqlDriver } from '@mikro-orm/postgresql';

import type { DatabaseConfig, DatabaseDialect } from '../config';
import { ENTITIES } from './entities';
import { POSTGRESQL_MIGRATIONS } from './migrations/postgresql';
import { SQLITE_MIGRATIONS } from './migrations/sqlite';

/** Folder of a dialect's TypeScript migrations (used by the migration scripts). */
export function migrationsFolder(dialect: DatabaseDialect): string {
  return join(__dirname, 'migrations', dialect);
}

/** The MikroORM driver class of a dialect. */
export function ormDriver(dialect: DatabaseDialect): typeof PostgreSqlDriver | typeof LibSqlDriver {
  return dialect === 'postgresql' ? PostgreSqlDriver : LibSqlDriver;
}

/**
 * MikroORM options for the configured dialect (D19): PostgreSQL through `@mikro-orm/postgresql`,
 * SQLite through `@mikro-orm/libsql`. Migrations are listed explicitly per dialect; the schema is
 * never synchronised automatically.
 */
export function buildOrmOptions(db: DatabaseConfig): Options {
  const migrations = {
    tableName: 'mikro_orm_migrations',
    path: migrationsFolder(db.dialect),
    pathTs: migrationsFolder(db.dialect),
    transactional: true,
    allOrNothing: true,
    snapshot: false,
    emit: 'ts' as const,
    silent: true,
    migrationsList: db.dialect === 'postgresql' ? POSTGRESQL_MIGRATIONS : SQLITE_MIGRATIONS,
  };
  const common = {
    entities: ENTITIES,
    extensions: [Migrator],
    migrations,
    debug: db.debug,
    allowGlobalContext: false,
    forceUtcTimezone: true,
    ensureDatabase: false,
    discovery: { warnWhenNoEntities: true },
  };
  if (db.dialect === 'postgresql') {
    return { ...common, driver: PostgreSqlDriver, clientUrl: db.url, pool: { min: 0, max: db.poolMax } };
  }
  mkdirSync(dirname(db.url), { recursive: true });
  return {
    ...common,
    driver: LibSqlDriver,
    dbName: db.url,
    pool: {
      min: 1,
      max: 1,
      // WAL lets readers (backups, tools, a second process) work while Wharf writes; a busy
      // connection waits up to 5 s instead of failing with SQLITE_BUSY.
      afterCreate: (
        connection: { exec(sql: string): unknown },
        done: (error: Error | null, connection: unknown) => void,
      ) => {
        try {
          connection.exec(
            'PRAGMA journal_mode = WAL; PRAGMA busy_timeout = 5000; PRAGMA synchronous = NORMAL;',
          );
          done(null, connection);
        } catch (error) {
          done(error as Error, connection);
        }
      },
    },
  };
}
