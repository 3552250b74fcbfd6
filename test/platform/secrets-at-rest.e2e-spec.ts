/**
 * Secrets at rest (D3, D11): after creating accounts and instances with every kind of secret,
 * no table of the database, no Redis key and no log line holds a token or a secret in clear (or
 * plainly encoded), and the API never returns the proxy password or the S3 secret key.
 */
import { randomBytes } from 'node:crypto';

import { DecryptionError, SecretBox, SecretLocation } from '@wharf/common/crypto';
import Redis from 'ioredis';

import { AccountFixture, createAccount } from '../support/fixtures';
import { Api, ApiResponse } from '../support/http';
import { REDIS_URL, startWharf, TEST_DIALECT, WharfHandle } from '../support/wharf';

type Row = Record<string, unknown>;

const unique = (label: string) => `${label}-${randomBytes(12).toString('base64url')}`;

/** The plain encodings a careless implementation might store instead of the value itself. */
function encodings(secret: string): string[] {
  const bytes = Buffer.from(secret, 'utf8');
  const forms = [
    secret,
    bytes.toString('base64'),
    bytes.toString('base64url'),
    bytes.toString('hex'),
    bytes.toString('hex').toUpperCase(),
  ];
  // Generated tokens are base64url of random bytes: their raw bytes, re-encoded, count too.
  if (/^[A-Za-z0-9_-]{40,}$/.test(secret)) {
    const raw = Buffer.from(secret, 'base64url');
    forms.push(raw.toString('hex'), raw.toString('base64'));
  }
  return forms;
}

function stringify(value: unknown): string {
  if (value === null || value === undefined) return '';
  if (typeof value === 'string') return value;
  if (value instanceof Date) return value.toISOString();
  if (value instanceof Uint8Array || value instanceof ArrayBuffer) {
    const buffer = Buffer.from(value as Uint8Array);
    return [buffer.toString('utf8'), buffer.toString('hex'), buffer.toString('base64')].join('\n');
  }
  if (typeof value === 'number' || typeof value === 'boolean' || typeof value === 'bigint')
    return value.toString();
  return JSON.stringify(value);
}

/** The content of a Redis key of any type, as text. */
async function redisValue(redis: Redis, key: string): Promise<string> {
  switch (await redis.type(key)) {
    case 'string':
      return (await redis.get(key)) ?? '';
    case 'hash':
      return JSON.stringify(await redis.hgetall(key));
    case 'list':
      return JSON.stringify(await redis.lrange(key, 0, -1));
    case 'set':
      return JSON.stringify(await redis.smembers(key));
    case 'zset':
      return JSON.stringify(await redis.zrange(key, 0, -1));
    case 'stream':
      return JSON.stringify(await redis.xrange(key, '-', '+'));
    default:
      return '';
  }
}

describe('secrets at rest (D3, D11)', () => {
  let wharf: WharfHandle;
  let api: Api;
  let accountA: AccountFixture;
  let accountB: AccountFixture;
  let oldAccountToken: string;
  /** Every response body the tests received, to check what the API returns. */
  const responses: Array<{ what: string; res: ApiResponse }> = [];

  const secrets = {
    customInstanceToken: unique('custom-ti'),
    proxyPassword: unique('proxy-pw'),
    s3SecretKey: unique('s3-secret'),
    webhookAuthorization: `Bearer ${unique('wh-auth')}`,
    proxyPassword2: unique('proxy-pw2'),
    s3SecretKey2: unique('s3-secret2'),
  };
  /** Tokens issued by the API during set-up. */
  const tokens: Record<string, string> = {};
  const ids: Record<string, string> = {};

  async function record(what: string, pending: Promise<ApiResponse>): Promise<ApiResponse> {
    const res = await pending;
    responses.push({ what, res });
    return res;
  }

  /** Raw SQL on a connection of our own to the database the Wharf process uses. */
  async function execute<T = Row[]>(sql: string, params: unknown[] = []): Promise<T> {
    const orm = await wharf.orm();
    return orm.em.fork().getConnection().execute<T>(sql, params);
  }

  async function tableNames(): Promise<string[]> {
    const rows =
      TEST_DIALECT === 'postgresql'
        ? await execute(
            `select table_name as name from information_schema.tables
             where table_schema = current_schema() and table_type = 'BASE TABLE'`,
          )
        : await execute(`select name from sqlite_master where type = 'table'`);
    return rows.map((row) => String(row.name)).sort();
  }

  /** Every value of every table, one string per table. */
  async function dumpDatabase(): Promise<Record<string, string>> {
    const dump: Record<string, string> = {};
    for (const table of await tableNames()) {
      const rows = await execute(`select * from "${table.replace(/"/g, '""')}"`);
      dump[table] = rows
        .map((row) =>
          Object.entries(row)
            .map(([k, v]) => `${k}=${stringify(v)}`)
            .join('\n'),
        )
        .join('\n');
    }
    return dump;
  }

  function everySecret(): Array<[string, string]> {
    return [
      ['admin token', wharf.adminToken],
      ['TokenAccount A (rotated away)', oldAccountToken],
      ['TokenAccount A', accountA.token],
      ['TokenAccount B', accountB.token],
      ...Object.entries(tokens).map(([name, token]): [string, string] => [name, token]),
      ...Object.entries(secrets).map(([name, value]): [string, string] => [name, value]),
    ];
  }

  beforeAll(async () => {
    // Most verbose logging, so the log check below sees everything Wharf would ever print.
    wharf = await startWharf({ env: { LOG_LEVEL: 'trace' } });
    api = new Api(wharf.url);
    const created = await createAccount(wharf, 'Secret Keeper');
    oldAccountToken = created.token;
    const rotated = await api.post(`/api/admin/accounts/${created.id}/rotateToken`, {
      token: wharf.adminToken,
    });
    expect(rotated.status).toBe(200);
    accountA = { id: created.id, token: rotated.body.account.token };
    accountB = await createAccount(wharf, 'Other Keeper');

    const vault = await record(
      'create vault',
      api.post('/api/instance/new', {
        token: accountA.token,
        body: {
          name: 'vault',
          token: secrets.customInstanceToken,
          proxyEnabled: true,
          proxyHost: 'proxy.example.net',
          proxyPort: '3128',
          proxyProtocol: 'http',
          proxyUsername: 'proxy-user',
          proxyPassword: secrets.proxyPassword,
          webhookEnabled: true,
          webhookURL: 'https://hooks.example.com/x',
          webhookAuthorization: secrets.webhookAuthorization,
          s3Enabled: true,
          s3Region: 'us-east-1',
          s3Bucket: 'vault-media',
          s3AccessKey: 'AKIAVAULTEXAMPLE',
          s3SecretKey: secrets.s3SecretKey,
          s3Endpoint: 'https://s3.example.com',
        },
      }),
    );
    expect(vault.status).toBe(201);
    expect(vault.body.instance.token).toBe(secrets.customInstanceToken);
    expect(vault.body.proxy.enabled).toBe(true);
    expect(vault.body.webhook.enabled).toBe(true);
    expect(vault.body.s3.enabled).toBe(true);
    ids.vault = vault.body.instance.id;

    const second = await record(
      'create vault-2',
      api.post('/api/instance/new', { token: accountA.token, body: { name: 'vault-2' } }),
    );
    expect(second.status).toBe(201);
    ids.vault2 = second.body.instance.id;
    tokens['TokenInstance vault-2 (rotated away)'] = second.body.instance.token;
    const proxy = await record(
      'set proxy',
      api.post('/api/instance/proxy/vault-2', {
        token: second.body.instance.token,
        body: {
          enabled: true,
          host: 'socks.example.net',
          port: '1080',
          protocol: 'socks5',
          username: 'second-user',
          password: secrets.proxyPassword2,
        },
      }),
    );
    expect(proxy.status).toBe(200);
    const s3 = await record(
      'set s3',
      api.post('/api/instance/s3/vault-2', {
        token: second.body.instance.token,
        body: {
          enabled: true,
          region: 'eu-west-1',
          bucket: 'second-media',
          accessKey: 'AKIASECONDEXAMPLE',
          secretKey: secrets.s3SecretKey2,
        },
      }),
    );
    expect(s3.status).toBe(200);
    const rotatedInstance = await record(
      'rotate vault-2 token',
      api.post('/api/instance/rotateToken/vault-2', { token: accountA.token }),
    );
    expect(rotatedInstance.status).toBe(200);
    tokens['TokenInstance vault-2'] = rotatedInstance.body.instance.token;

    const other = await record(
      'create other',
      api.post('/api/instance/new', { token: accountB.token, body: { name: 'vault' } }),
    );
    expect(other.status).toBe(201);
    tokens['TokenInstance of account B'] = other.body.instance.token;

    // Reads through every route that shows instance configuration, with both token kinds.
    const tis = { vault: secrets.customInstanceToken, 'vault-2': tokens['TokenInstance vault-2'] };
    await record('list (TA)', api.get('/api/instance/list', { token: accountA.token }));
    for (const [name, ti] of Object.entries(tis)) {
      await record(`list (TI ${name})`, api.get('/api/instance/list', { token: ti }));
      for (const token of [ti, accountA.token]) {
        await record(`getProxy ${name}`, api.get(`/api/instance/getProxy/${name}`, { token }));
        await record(`getS3 ${name}`, api.get(`/api/instance/getS3/${name}`, { token }));
        await record(
          `getSettings ${name}`,
          api.get(`/api/instance/getSettings/${name}`, { token }),
        );
      }
    }
  });
  afterAll(() => wharf.close());

  it('stores the secrets encrypted (v1 ciphertexts that open to the values sent)', async () => {
    const box = wharf.secretBox();
    const open = async (table: string, column: string, rowId: string, where: string) => {
      const [row] = await execute(`select ${column} as value from ${table} where ${where} = ?`, [
        rowId,
      ]);
      const sealed = String(row?.value);
      expect(sealed).toMatch(
        /^v1\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/,
      );
      const [{ id }] = await execute(`select id from ${table} where ${where} = ?`, [rowId]);
      return box.open(sealed, { table, column, rowId: String(id) });
    };
    expect(await open('instance', 'token_cipher', ids.vault, 'id')).toBe(
      secrets.customInstanceToken,
    );
    expect(await open('proxy_config', 'password_cipher', ids.vault, 'instance_id')).toBe(
      secrets.proxyPassword,
    );
    expect(await open('s3_config', 'secret_key_cipher', ids.vault, 'instance_id')).toBe(
      secrets.s3SecretKey,
    );
    expect(await open('webhook', 'authorization_cipher', ids.vault, 'instance_id')).toBe(
      secrets.webhookAuthorization,
    );
    expect(await open('proxy_config', 'password_cipher', ids.vault2, 'instance_id')).toBe(
      secrets.proxyPassword2,
    );
    expect(await open('s3_config', 'secret_key_cipher', ids.vault2, 'instance_id')).toBe(
      secrets.s3SecretKey2,
    );
  });

  it('keeps no token or secret in clear (or plainly encoded) in any table', async () => {
    const dump = await dumpDatabase();
    expect(Object.keys(dump)).toEqual(
      expect.arrayContaining(['account', 'instance', 'proxy_config', 's3_config', 'webhook']),
    );
    // The dump does hold the non-secret values sent alongside the secrets.
    expect(dump.proxy_config).toContain('proxy-user');
    expect(dump.s3_config).toContain('AKIAVAULTEXAMPLE');
    expect(dump.webhook).toContain('https://hooks.example.com/x');
    expect(dump.account).toContain('Secret Keeper');
    const found: string[] = [];
    for (const [name, secret] of everySecret()) {
      for (const form of encodings(secret)) {
        for (const [table, text] of Object.entries(dump)) {
          if (text.includes(form)) found.push(`${name} in table ${table}`);
        }
      }
    }
    expect(found).toEqual([]);
  });

  it('keeps no token or secret in the Redis keys or values it writes', async () => {
    const redis = new Redis(REDIS_URL);
    try {
      const keys: string[] = [];
      let cursor = '0';
      do {
        const [next, batch] = await redis.scan(
          cursor,
          'MATCH',
          `*${wharf.redisPrefix}*`,
          'COUNT',
          500,
        );
        cursor = next;
        keys.push(...batch);
      } while (cursor !== '0');
      expect(keys.length).toBeGreaterThan(0);
      const values = await Promise.all(keys.map((key) => redisValue(redis, key)));
      const haystack = [...keys, ...values].join('\n');
      const found = everySecret()
        .filter(([, secret]) => encodings(secret).some((form) => haystack.includes(form)))
        .map(([name]) => name);
      expect(found).toEqual([]);
    } finally {
      redis.disconnect();
    }
  });

  it('never returns the proxy password, the S3 secret key or the webhook authorization', () => {
    expect(responses.length).toBeGreaterThanOrEqual(19);
    const leaks: string[] = [];
    for (const { what, res } of responses) {
      expect(`${what} ${res.status}`).toMatch(/ 20[01]$/);
      for (const [name, secret] of Object.entries(secrets)) {
        if (name === 'customInstanceToken') continue;
        if (encodings(secret).some((form) => res.text.includes(form)))
          leaks.push(`${name} in ${what}`);
      }
    }
    expect(leaks).toEqual([]);
  });

  it('shows the proxy and S3 blocks without password or secret fields', () => {
    for (const { what, res } of responses) {
      const body = res.body as Row;
      const blocks: Row[] = [];
      if (what.startsWith('create')) blocks.push(body.proxy as Row, body.s3 as Row);
      if (what.startsWith('list'))
        for (const item of body.instances as Row[]) blocks.push(item.proxy as Row, item.s3 as Row);
      if (what.startsWith('getProxy') || what === 'set proxy') blocks.push(body.proxy as Row);
      if (what === 'set s3') blocks.push(body.s3 as Row);
      for (const block of blocks) {
        expect(block).toBeDefined();
        expect(Object.keys(block)).not.toContain('password');
        expect(Object.keys(block)).not.toContain('secretKey');
      }
      if (what.startsWith('getS3')) expect((body.s3 as Row).secretKey).toBeNull();
    }
  });

  it('prints no token or secret in its logs, even one sent in ?token= (D3)', async () => {
    const inQuery = await api.get(
      `/api/instance/list?token=${encodeURIComponent(accountA.token)}&apikey=${encodeURIComponent(secrets.customInstanceToken)}`,
    );
    expect(inQuery.status).toBe(401);
    // Give the process a moment to flush the request log line.
    await new Promise((resolve) => setTimeout(resolve, 200));
    const logs = `${wharf.process.stdout()}\n${wharf.process.stderr()}`;
    expect(logs).toContain('/api/instance/list');
    const found = everySecret()
      .filter(([, secret]) => encodings(secret).some((form) => logs.includes(form)))
      .map(([name]) => name);
    expect(found).toEqual([]);
  });

  it('does not echo a secret in a refused request (D2)', async () => {
    const proxy = await api.post('/api/instance/proxy/vault', {
      token: accountA.token,
      body: {
        enabled: true,
        host: 'not a host!',
        port: '1',
        protocol: 'http',
        password: secrets.proxyPassword,
      },
    });
    expect(proxy.status).toBe(400);
    const s3 = await api.post('/api/instance/new', {
      token: accountA.token,
      body: {
        name: 'leaky',
        s3Enabled: true,
        s3Region: 'us-east-1',
        s3Bucket: 'b',
        s3AccessKey: 'a',
        s3SecretKey: secrets.s3SecretKey,
        s3Endpoint: 'ftp://s3.example.com',
      },
    });
    expect(s3.status).toBe(400);
    for (const res of [proxy, s3]) {
      expect(res.text).not.toContain(secrets.proxyPassword);
      expect(res.text).not.toContain(secrets.s3SecretKey);
    }
  });

  describe('ciphertexts are bound to their row and column (D11 AAD)', () => {
    const key = { id: 'k1', key: randomBytes(32) };
    const box = new SecretBox(key);
    const here: SecretLocation = { table: 'proxy_config', column: 'password_cipher', rowId: 'a' };

    it('opens a ciphertext at the row it was sealed for', () => {
      expect(box.open(box.seal('hunter2', here), here)).toBe('hunter2');
    });

    it.each<[string, SecretLocation]>([
      ['another row', { ...here, rowId: 'b' }],
      ['another column', { ...here, column: 'username' }],
      ['another table', { ...here, table: 's3_config' }],
    ])('refuses to open a ciphertext moved to %s', (_, elsewhere) => {
      const sealed = box.seal('hunter2', here);
      expect(() => box.open(sealed, elsewhere)).toThrow(DecryptionError);
    });

    it('refuses a real stored ciphertext presented as another instance’s', async () => {
      const appBox = wharf.secretBox();
      const rows = await execute('select id, password_cipher from proxy_config order by id');
      const [first, second] = rows;
      expect(rows.length).toBeGreaterThanOrEqual(2);
      const at = (row: Row): SecretLocation => ({
        table: 'proxy_config',
        column: 'password_cipher',
        rowId: String(row.id),
      });
      expect(() => appBox.open(String(first.password_cipher), at(second))).toThrow(DecryptionError);
      expect(() => appBox.open(String(second.password_cipher), at(first))).toThrow(DecryptionError);
    });

    it('does not hand out another instance’s token when its ciphertext is copied over (e2e)', async () => {
      const [original] = await execute('select token_cipher from instance where id = ?', [
        ids.vault2,
      ]);
      const [stolen] = await execute('select token_cipher from instance where id = ?', [ids.vault]);
      await execute('update instance set token_cipher = ? where id = ?', [
        stolen.token_cipher,
        ids.vault2,
      ]);
      try {
        const res = await api.get('/api/instance/list?instanceName=vault-2', {
          token: accountA.token,
        });
        expect(res.status).toBe(500);
        expect(res.text).not.toContain(secrets.customInstanceToken);
      } finally {
        await execute('update instance set token_cipher = ? where id = ?', [
          original.token_cipher,
          ids.vault2,
        ]);
      }
      const restored = await api.get('/api/instance/list?instanceName=vault-2', {
        token: accountA.token,
      });
      expect(restored.status).toBe(200);
      expect(restored.body.instances[0].token).toBe(tokens['TokenInstance vault-2']);
    });
  });
});
