import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { ConfigError, loadAllConfig, withEnvironment } from './index';

const base = () => ({
  DATA_DIR: mkdtempSync(join(tmpdir(), 'wharf-config-')),
  ADMIN_TOKEN: 'admin-token-0123456789',
  ENCRYPTION_KEY: randomBytes(32).toString('base64'),
});

function load(env: Record<string, string>) {
  return withEnvironment(env, loadAllConfig);
}

describe('configuration', () => {
  it('applies the documented defaults', () => {
    const env = base();
    const config = load(env);
    expect(config.app).toMatchObject({
      port: 8080,
      host: '0.0.0.0',
      nodeEnv: 'development',
      corsOrigins: [],
      docsEnabled: true,
    });
    expect(config.database).toMatchObject({
      dialect: 'sqlite',
      url: join(env.DATA_DIR, 'wharf.sqlite'),
      poolMax: 20,
    });
    expect(config.redis.url).toBe('redis://127.0.0.1:6379');
    expect(config.rateLimit).toMatchObject({
      perMinute: 100,
      instanceCreatePerMinute: 20,
      authFailuresPerMinute: 30,
    });
    expect(config.security.allowPrivateTargets).toBe(false);
    expect(config.security.proxyAllowedHosts.isEmpty).toBe(true);
    expect(config.security.outboundAllowedHosts.isEmpty).toBe(true);
  });

  it('reads the D12 allowlists: host names, IPs and CIDRs, comma-separated', () => {
    const { security } = load({
      ...base(),
      PROXY_ALLOWED_HOSTS: 'proxy.corp.example, 10.0.0.0/8, fd00::/8',
      OUTBOUND_ALLOWED_HOSTS: 'minio.corp.example,192.168.10.5',
    });
    expect(security.proxyAllowedHosts.allowsName('proxy.corp.example')).toBe(true);
    expect(security.proxyAllowedHosts.allowsAddress('10.1.2.3')).toBe(true);
    expect(security.proxyAllowedHosts.allowsAddress('fd00::5')).toBe(true);
    expect(security.proxyAllowedHosts.allowsAddress('192.168.10.5')).toBe(false);
    expect(security.outboundAllowedHosts.allowsAddress('192.168.10.5')).toBe(true);
    expect(security.outboundAllowedHosts.allowsName('proxy.corp.example')).toBe(false);
  });

  it('selects PostgreSQL from DATABASE_URL', () => {
    const config = load({ ...base(), DATABASE_URL: 'postgresql://u@db:5432/wharf' });
    expect(config.database).toMatchObject({
      dialect: 'postgresql',
      url: 'postgresql://u@db:5432/wharf',
    });
    expect(
      load({ ...base(), DATABASE_URL: 'postgresql://u@db/w', DATABASE_POOL_MAX: '50' }).database
        .poolMax,
    ).toBe(50);
  });

  it.each([
    [{ PORT: 'abc' }, 'Invalid configuration: PORT must be a whole number (got "abc")'],
    [{ PORT: '70000' }, 'Invalid configuration: PORT must be between 0 and 65535 (got 70000)'],
    [
      { DATABASE_POOL_MAX: '0' },
      'Invalid configuration: DATABASE_POOL_MAX must be between 1 and 200 (got 0)',
    ],
    [
      { REDIS_URL: 'http://x' },
      'Invalid configuration: REDIS_URL must use one of redis:, rediss: (got "http:")',
    ],
    [
      { DATABASE_URL: 'mysql://x/y' },
      'Invalid configuration: DATABASE_URL must be a postgresql:// URL or a file: path for SQLite',
    ],
    [
      { ENCRYPTION_KEY: 'short' },
      'Invalid configuration: ENCRYPTION_KEY must be 32 bytes encoded as base64 (openssl rand -base64 32)',
    ],
    [
      { ALLOW_PRIVATE_TARGETS: 'maybe' },
      'Invalid configuration: ALLOW_PRIVATE_TARGETS must be true or false (got "maybe")',
    ],
    [
      { PROXY_ALLOWED_HOSTS: 'proxy.corp.example,10.0.0.0/33' },
      'Invalid configuration: PROXY_ALLOWED_HOSTS has an invalid entry "10.0.0.0/33" (host name, IP or CIDR)',
    ],
    [
      { OUTBOUND_ALLOWED_HOSTS: 'minio corp' },
      'Invalid configuration: OUTBOUND_ALLOWED_HOSTS has an invalid entry "minio corp" (host name, IP or CIDR)',
    ],
    [
      { RATE_LIMIT_PER_MINUTE: '0' },
      'Invalid configuration: RATE_LIMIT_PER_MINUTE must be between 1 and 1000000 (got 0)',
    ],
    [
      { LOG_LEVEL: 'loud' },
      'Invalid configuration: LOG_LEVEL must be one of fatal, error, warn, info, debug, trace, silent (got "loud")',
    ],
    [
      { CORS_ORIGINS: 'app.example.com' },
      'Invalid configuration: CORS_ORIGINS has an invalid origin "app.example.com" (scheme://host[:port])',
    ],
    [
      { ADMIN_TOKEN: 'short' },
      'Invalid configuration: ADMIN_TOKEN must be at least 16 printable characters without spaces',
    ],
  ])('stops on %j with one line naming the variable', (override, message) => {
    let error: unknown;
    try {
      load({ ...base(), ...override });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as Error).message).toBe(message);
    expect((error as Error).message).not.toContain('\n');
  });

  it('requires ADMIN_TOKEN and ENCRYPTION_KEY in production (D4)', () => {
    const env = base();
    expect(() =>
      load({ DATA_DIR: env.DATA_DIR, NODE_ENV: 'production', ENCRYPTION_KEY: env.ENCRYPTION_KEY }),
    ).toThrow('Invalid configuration: ADMIN_TOKEN is required when NODE_ENV=production');
    expect(() =>
      load({ DATA_DIR: env.DATA_DIR, NODE_ENV: 'production', ADMIN_TOKEN: env.ADMIN_TOKEN }),
    ).toThrow('Invalid configuration: ENCRYPTION_KEY is required when NODE_ENV=production');
  });

  it('generates an admin token and key outside production, mode 0600, stable across restarts (D4)', () => {
    const dir = mkdtempSync(join(tmpdir(), 'wharf-config-'));
    const first = load({ DATA_DIR: dir });
    expect(first.security.adminTokenFile).toBe(join(dir, 'admin-token'));
    expect(statSync(join(dir, 'admin-token')).mode & 0o777).toBe(0o600);
    expect(statSync(join(dir, 'encryption-key')).mode & 0o777).toBe(0o600);
    expect(readFileSync(join(dir, 'admin-token'), 'utf8').trim()).toBe(first.security.adminToken);
    const second = load({ DATA_DIR: dir });
    expect(second.security.adminToken).toBe(first.security.adminToken);
    expect(second.security.encryptionKey.key.equals(first.security.encryptionKey.key)).toBe(true);
  });

  it('keeps retired keys for decryption after the current one (D11)', () => {
    const previous = randomBytes(32).toString('base64');
    const config = load({ ...base(), ENCRYPTION_KEYS_PREVIOUS: ` ${previous} ` });
    expect(config.security.decryptionKeys).toHaveLength(2);
    expect(config.security.decryptionKeys[0]).toBe(config.security.encryptionKey);
  });
});
