import { closeSync, mkdirSync, openSync } from 'node:fs';
import { dirname, join } from 'node:path';

import type { Options } from '@mikro-orm/core';
import { ReflectMetadataProvider } from '@mikro-orm/decorators/legacy';
import { LibSqlDriver } from '@mikro-orm/libsql';
import { Migrator } from '@mikro-orm/migrations';
import { PostgreSqlDriver } from '@mikro-orm/postgresql';
import type { DatabaseConfig, DatabaseDialect } from '@wharf/config';

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
export function buildOrmOptions(db: DatabaseConfig): Partial<Options> {
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
    // The entities use legacy (experimentalDecorators) decorators whose column types come from
    // `emitDecoratorMetadata`; MikroORM 7 no longer reads those unless told to.
    metadataProvider: ReflectMetadataProvider,
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
  prepareSqliteFile(db.url);
  return {
    ...common,
    driver: LibSqlDriver,
    dbName: db.url,
    // libSQL runs every query on one connection behind a mutex (MikroORM's libSQL dialect).
    // WAL lets readers (backups, tools, a second process) work while Wharf writes; a busy
    // connection waits up to 5 s instead of failing with SQLITE_BUSY.
    onCreateConnection: async (connection: unknown) => {
      const sqlite = connection as SqliteSetupConnection;
      for (const sql of SQLITE_PRAGMAS) {
        await sqlite.executeQuery({ sql, parameters: [] });
      }
    },
  };
}

/** Mode of a SQLite database Wharf creates (issue 11): it holds encrypted secrets and messages. */
export const SQLITE_FILE_MODE = 0o600;

/**
 * Creates the SQLite file empty with mode 0600 (and its folder with 0700) when it does not exist
 * yet, before libSQL opens it: SQLite gives the `-wal` and `-shm` files it creates the mode of the
 * database file, so all three stay private to Wharf's user. An existing file keeps its mode.
 */
export function prepareSqliteFile(path: string): void {
  mkdirSync(dirname(path), { recursive: true, mode: 0o700 });
  try {
    closeSync(openSync(path, 'wx', SQLITE_FILE_MODE));
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
  }
}

/** Connection settings of every SQLite connection, in order. */
const SQLITE_PRAGMAS = [
  'PRAGMA journal_mode = WAL',
  'PRAGMA busy_timeout = 5000',
  'PRAGMA synchronous = NORMAL',
];

/** What MikroORM's libSQL dialect hands `onCreateConnection`: a Kysely database connection. */
interface SqliteSetupConnection {
  executeQuery(query: { sql: string; parameters: readonly unknown[] }): Promise<unknown>;
}
