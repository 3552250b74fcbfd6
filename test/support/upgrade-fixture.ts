/**
 * The "upgrade keeps users' data" fixtures (test/fixtures/upgrade-0.1.0): per dialect a database
 * written by Wharf 0.1.0, the sandbox state of the phones it was linked to, and a manifest of
 * what the database holds (tokens, keys and secrets in clear, ids, settings). Written by
 * scripts/make-upgrade-fixtures.ts, read by test/platform/upgrade.e2e-spec.ts.
 */
import { spawn } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';

import type { DatabaseDialect } from '@wharf/config';
import type { SandboxState } from '@wharf/sandbox';

import { createThrowawayDatabase, type ThrowawayDatabase } from '../../scripts/db-tools';

/** The Wharf version that wrote the fixtures. */
export const FIXTURE_WHARF_VERSION = '0.1.0';
/** `test/fixtures/upgrade-0.1.0`. */
export const FIXTURE_ROOT = join(__dirname, '..', 'fixtures', `upgrade-${FIXTURE_WHARF_VERSION}`);
/**
 * File names inside a dialect's folder. The databases are gzipped (a linked session alone holds
 * 812 encrypted one-time prekeys: the SQLite file is ~750 KB, ~250 KB gzipped).
 */
export const FIXTURE_FILES = {
  manifest: 'manifest.json',
  sandboxState: 'sandbox-state.json',
  database: { sqlite: 'wharf.sqlite.gz', postgresql: 'dump.sql.gz' },
} as const;

/** `test/fixtures/upgrade-0.1.0/<dialect>`. */
export function fixtureDir(dialect: DatabaseDialect): string {
  return join(FIXTURE_ROOT, dialect);
}

/** An account and its TokenAccount in clear. */
export interface FixtureAccount {
  id: string;
  name: string;
  instanceLimit: number | null;
  token: string;
  /** Tokens the account had before a rotation: they must not authenticate. */
  revokedTokens: string[];
}

/** A webhook as `GET /api/events/getWebhook` answered it (secret and authorization in clear). */
export interface FixtureWebhook {
  label: string;
  enabled: boolean;
  url: string | null;
  authorization: string | null;
  byEvents: boolean;
  events: string[];
  secret: string;
}

/** An instance, its TokenInstance in clear and the configuration it was given. */
export interface FixtureInstance {
  id: string;
  name: string;
  accountId: string;
  token: string;
  /** Tokens the instance had before a rotation: they must not authenticate. */
  revokedTokens: string[];
  /** `previous`: created while the retired key (ENCRYPTION_KEYS_PREVIOUS) was current. */
  createdUnderKey: 'previous' | 'current';
  /** `GET /api/instance/getSettings` → `settings`. */
  settings: Record<string, unknown>;
  /** The summaries of its `GET /api/instance/list` item. */
  summary: {
    proxy: Record<string, unknown>;
    s3: Record<string, unknown>;
    websocket: Record<string, unknown>;
    webhook: Record<string, unknown>;
  };
  /** Secrets the API never returns (D11): check them with `secretBox()` on the stored rows. */
  proxyPassword: string | null;
  s3SecretKey: string | null;
  webhooks: FixtureWebhook[];
}

/** A stored message: `GET /api/chat/getMessage` → `data`, and `GET /api/chat/status`. */
export interface FixtureMessage {
  instance: string;
  messageId: string;
  direction: 'incoming' | 'outgoing';
  /** `GET /api/chat/getMessage/:instance?messageId=` → `data`. */
  data: Record<string, unknown>;
  /** `GET /api/chat/status/:instance?messageId=` → `status`. */
  status: string;
}

/** A webhook delivery row (`GET /api/events/deliveries`). */
export interface FixtureDelivery {
  instance: string;
  id: string;
  label: string;
  event: string;
  status: string;
}

/** What a fixture folder holds; every token, key and secret in clear (test data only). */
export interface UpgradeManifest {
  fixture: string;
  /** The Wharf version (package.json) that wrote the database. */
  wharfVersion: string;
  dialect: DatabaseDialect;
  /** ISO-8601. */
  generatedAt: string;
  /** `process.version` of the generator and of the Wharf it ran. */
  node: string;
  /** How to regenerate. */
  command: string;
  /** File names, relative to the folder. */
  files: { database: string; sandboxState: string };
  /** The secrets Wharf ran with (ENCRYPTION_KEYS_PREVIOUS: the retired key). */
  env: { ADMIN_TOKEN: string; ENCRYPTION_KEY: string; ENCRYPTION_KEYS_PREVIOUS: string };
  /** Names in `mikro_orm_migrations` when Wharf stopped, oldest first. */
  migrations: string[];
  accounts: FixtureAccount[];
  instances: FixtureInstance[];
  /** The instance linked to a sandbox phone, and the phone it exchanged messages with. */
  linked: {
    instance: string;
    /** The phone the instance is a companion of (digits) and the instance's JID. */
    ownNumber: string;
    ownJid: string;
    /** Wharf's companion device id on that phone. */
    deviceId: number;
    peerNumber: string;
    peerJid: string;
    /**
     * Ids of the linked instance's `instance.state` events when Wharf stopped (the events of a
     * later run are the others: UUIDv7 order follows clocks, which differ between machines).
     */
    stateEventIds: string[];
  };
  messages: FixtureMessage[];
  deliveries: FixtureDelivery[];
  /** Rows of `event_log` when Wharf stopped. */
  events: number;
}

/** Reads the manifest of a dialect. */
export function readManifest(dialect: DatabaseDialect): UpgradeManifest {
  return JSON.parse(
    readFileSync(join(fixtureDir(dialect), FIXTURE_FILES.manifest), 'utf8'),
  ) as UpgradeManifest;
}

/** Reads the saved sandbox state of a dialect's fixture. */
export function readSandboxState(dialect: DatabaseDialect): SandboxState {
  return JSON.parse(
    readFileSync(join(fixtureDir(dialect), FIXTURE_FILES.sandboxState), 'utf8'),
  ) as SandboxState;
}

/** Runs `command args` with `input` on stdin; rejects with its stderr when it exits non-zero. */
export function run(command: string, args: string[], input?: Buffer): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { stdio: [input ? 'pipe' : 'ignore', 'pipe', 'pipe'] });
    child.stdin?.end(input);
    let out = '';
    let err = '';
    child.stdout?.on('data', (chunk: Buffer) => (out += chunk.toString()));
    child.stderr?.on('data', (chunk: Buffer) => (err += chunk.toString()));
    child.once('error', reject);
    child.once('exit', (code) =>
      code === 0
        ? resolve(out)
        : reject(new Error(`${command} ${args.join(' ')} exited with ${code}:\n${err}`)),
    );
  });
}

/**
 * A throwaway copy of the fixture database of `dialect`: the SQLite file unzipped into a
 * temporary folder, or the plain-SQL dump restored with `psql` into a new PostgreSQL database
 * (without the dump's `\restrict`/`\unrestrict` lines, which psql older than 15.14 refuses).
 * Drop it with `drop()`.
 */
export async function restoreFixtureDatabase(dialect: DatabaseDialect): Promise<ThrowawayDatabase> {
  const saved = gunzipSync(
    readFileSync(join(fixtureDir(dialect), FIXTURE_FILES.database[dialect])),
  );
  const db = await createThrowawayDatabase(dialect, 'wharf_upgrade');
  try {
    if (dialect === 'sqlite') {
      writeFileSync(db.config.url, saved);
    } else {
      const sql = saved.toString('utf8').replace(/^\\(un)?restrict .*$/gm, '');
      await run(
        'psql',
        ['--no-psqlrc', '--quiet', '--set', 'ON_ERROR_STOP=1', '--dbname', db.url, '--file', '-'],
        Buffer.from(sql, 'utf8'),
      );
    }
  } catch (error) {
    await db.drop();
    throw error;
  }
  return db;
}
