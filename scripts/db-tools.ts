/**
 * Helpers for the migration scripts and the test suite: throwaway databases on the local
 * PostgreSQL server and in temporary SQLite files.
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { MikroORM } from '@mikro-orm/core';
import type { DatabaseConfig, DatabaseDialect } from '@wharf/config';
import { buildOrmOptions } from '@wharf/database/mikro-orm.config';
import { Client } from 'pg';

/** Admin URL of the local PostgreSQL server used to create throwaway databases. */
export const PG_ADMIN_URL =
  process.env.WHARF_TEST_PG_URL ?? 'postgresql://postgres@127.0.0.1:5432/test';

export interface ThrowawayDatabase {
  config: DatabaseConfig;
  /** The DATABASE_URL value that points at it. */
  url: string;
  drop(): Promise<void>;
}

/** Creates an empty database of `dialect` and returns how to reach and drop it. */
export async function createThrowawayDatabase(
  dialect: DatabaseDialect,
  label = 'wharf',
): Promise<ThrowawayDatabase> {
  const suffix = randomBytes(6).toString('hex');
  if (dialect === 'postgresql') {
    const name = `${label}_${suffix}`.toLowerCase().replace(/[^a-z0-9_]/g, '_');
    const admin = new Client({ connectionString: PG_ADMIN_URL });
    await admin.connect();
    try {
      await admin.query(`CREATE DATABASE "${name}"`);
    } finally {
      await admin.end();
    }
    const url = new URL(PG_ADMIN_URL);
    url.pathname = `/${name}`;
    return {
      url: url.toString(),
      config: { dialect, url: url.toString(), migrateOnStart: true, debug: false, poolMax: 5 },
      drop: async () => {
        const client = new Client({ connectionString: PG_ADMIN_URL });
        await client.connect();
        try {
          await client.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
        } finally {
          await client.end();
        }
      },
    };
  }
  const dir = mkdtempSync(join(tmpdir(), `${label}-`));
  const file = join(dir, 'wharf.sqlite');
  return {
    url: `file:${file}`,
    config: { dialect, url: file, migrateOnStart: true, debug: false, poolMax: 5 },
    drop: async () => rmSync(dir, { recursive: true, force: true }),
  };
}

/** Opens the ORM on `config` and applies every migration. */
export async function openMigratedOrm(config: DatabaseConfig): Promise<MikroORM> {
  const orm = await MikroORM.init(buildOrmOptions(config));
  await orm.migrator.up();
  return orm;
}
