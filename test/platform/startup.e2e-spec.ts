import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { createThrowawayDatabase } from '../../scripts/db-tools';
import { Api } from '../support/http';
import { freePort, spawnWharf, waitForHttp } from '../support/process';
import { REDIS_URL, TEST_DIALECT } from '../support/wharf';

describe('starting Wharf from the built app (npm start)', () => {
  it.each([
    ['PORT', 'abc', 'Invalid configuration: PORT must be a whole number (got "abc")'],
    [
      'DATABASE_URL',
      'mysql://db/wharf',
      'Invalid configuration: DATABASE_URL must be a postgresql:// URL or a file: path for SQLite',
    ],
    [
      'ENCRYPTION_KEY',
      'not-a-key',
      'Invalid configuration: ENCRYPTION_KEY must be 32 bytes encoded as base64 (openssl rand -base64 32)',
    ],
  ])('stops with one clear line when %s is wrong', async (name, value, line) => {
    const wharf = spawnWharf({
      DATA_DIR: mkdtempSync(join(tmpdir(), 'wharf-start-')),
      [name]: value,
    });
    expect(await wharf.exited).toBe(1);
    expect(wharf.stderr()).toBe(`${line}\n`);
  });

  it('refuses to start in production without ADMIN_TOKEN', async () => {
    const wharf = spawnWharf({
      NODE_ENV: 'production',
      DATA_DIR: mkdtempSync(join(tmpdir(), 'wharf-start-')),
    });
    expect(await wharf.exited).toBe(1);
    expect(wharf.stderr()).toBe(
      'Invalid configuration: ADMIN_TOKEN is required when NODE_ENV=production\n',
    );
  });

  it('starts with no configuration but Redis, generates its admin token (0600) without logging it, serves, and shuts down on SIGTERM', async () => {
    const db = await createThrowawayDatabase(TEST_DIALECT, 'wharf_start');
    const dataDir = mkdtempSync(join(tmpdir(), 'wharf-start-'));
    const port = await freePort();
    const env: Record<string, string> = {
      PORT: String(port),
      HOST: '127.0.0.1',
      DATA_DIR: dataDir,
      REDIS_URL,
      REDIS_KEY_PREFIX: `wharf-test:${randomBytes(6).toString('hex')}:`,
      LOG_LEVEL: 'info',
    };
    if (TEST_DIALECT === 'postgresql') env.DATABASE_URL = db.url;
    const wharf = spawnWharf(env);
    try {
      await waitForHttp(`http://127.0.0.1:${port}/health/ready`);
      const adminToken = readFileSync(join(dataDir, 'admin-token'), 'utf8').trim();
      expect(statSync(join(dataDir, 'admin-token')).mode & 0o777).toBe(0o600);
      if (TEST_DIALECT === 'sqlite')
        expect(statSync(join(dataDir, 'wharf.sqlite')).size).toBeGreaterThan(0);
      const api = new Api(`http://127.0.0.1:${port}`);
      const account = await api.post('/api/admin/accounts', {
        token: adminToken,
        body: { name: 'Boot' },
      });
      expect(account.status).toBe(201);
      const created = await api.post('/api/instance/new', {
        token: account.body.account.token,
        body: { name: 'first' },
      });
      expect(created.status).toBe(201);
      const logs = wharf.stdout() + wharf.stderr();
      expect(logs).toContain(join(dataDir, 'admin-token'));
      for (const secret of [adminToken, account.body.account.token, created.body.instance.token])
        expect(logs).not.toContain(secret);
    } finally {
      wharf.child.kill('SIGTERM');
      expect(await wharf.exited).toBe(0);
      await db.drop();
    }
  });

  it('creates the SQLite database with its WAL and SHM files 0600 and the media store 0700 (issue 11)', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'wharf-start-'));
    const port = await freePort();
    const adminToken = `admin-${randomBytes(24).toString('base64url')}`;
    const wharf = spawnWharf({
      PORT: String(port),
      HOST: '127.0.0.1',
      DATA_DIR: dataDir,
      REDIS_URL,
      REDIS_KEY_PREFIX: `wharf-test:${randomBytes(6).toString('hex')}:`,
      ADMIN_TOKEN: adminToken,
      LOG_LEVEL: 'silent',
    });
    try {
      await waitForHttp(`http://127.0.0.1:${port}/health/ready`);
      const api = new Api(`http://127.0.0.1:${port}`);
      const account = await api.post('/api/admin/accounts', {
        token: adminToken,
        body: { name: 'Modes' },
      });
      expect(account.status).toBe(201);
      for (const file of ['wharf.sqlite', 'wharf.sqlite-wal', 'wharf.sqlite-shm'])
        expect([file, statSync(join(dataDir, file)).mode & 0o777]).toEqual([file, 0o600]);
      expect(statSync(join(dataDir, 'media')).mode & 0o777).toBe(0o700);
    } finally {
      wharf.child.kill('SIGTERM');
      expect(await wharf.exited).toBe(0);
    }
  });
});
