/**
 * Rate limits of docs/API.md §1.5 and D5: per-token buckets shared across routes and processes
 * (Redis), the stricter instance-creation bucket, the brute-force limit per client address, and
 * failing open when Redis is unreachable.
 */
import { createServer } from 'node:net';

import { AccountFixture, createAccount } from '../support/fixtures';
import { Api, ApiResponse } from '../support/http';
import { startWharf, WharfHandle } from '../support/wharf';

const RATE_LIMITED = 'Rate limit exceeded. Try again later.';

/** Checks the three X-RateLimit headers (D5); `Reset` is Unix seconds within the next minute. */
function expectRateHeaders(res: ApiResponse, limit: number, remaining: number, sentAt: number) {
  expect({
    limit: res.headers.get('x-ratelimit-limit'),
    remaining: res.headers.get('x-ratelimit-remaining'),
  }).toEqual({ limit: String(limit), remaining: String(remaining) });
  const reset = Number(res.headers.get('x-ratelimit-reset'));
  expect(Number.isInteger(reset)).toBe(true);
  expect(reset).toBeGreaterThan(Math.floor(sentAt / 1000));
  expect(reset).toBeLessThanOrEqual(Math.ceil(Date.now() / 1000) + 60);
}

function expect429(res: ApiResponse, code = 'RATE_LIMITED') {
  expect({ status: res.status, body: res.body }).toEqual({
    status: 429,
    body: { success: false, error: { message: RATE_LIMITED, code } },
  });
  const retryAfter = Number(res.headers.get('retry-after'));
  expect(Number.isInteger(retryAfter)).toBe(true);
  expect(retryAfter).toBeGreaterThanOrEqual(1);
  expect(retryAfter).toBeLessThanOrEqual(60);
}

/** A local TCP port nothing listens on. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  if (!address || typeof address === 'string') throw new Error('no address');
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return address.port;
}

describe('per-token rate limits (§1.5, D5)', () => {
  const LIMIT = 8;
  const CREATE_LIMIT = 2;
  const limits = {
    RATE_LIMIT_PER_MINUTE: String(LIMIT),
    RATE_LIMIT_INSTANCE_CREATE_PER_MINUTE: String(CREATE_LIMIT),
    RATE_LIMIT_AUTH_FAILURES_PER_MINUTE: '1000',
  };
  let wharf: WharfHandle;
  let api: Api;
  const accounts: AccountFixture[] = [];

  beforeAll(async () => {
    wharf = await startWharf({ env: limits });
    api = new Api(wharf.url);
    // Five admin calls: the admin token's own bucket stays under LIMIT.
    for (let i = 0; i < 5; i++) accounts.push(await createAccount(wharf, `Limited ${i}`));
  });
  afterAll(() => wharf.close());

  it('sets X-RateLimit-Limit/Remaining/Reset on successful and refused responses', async () => {
    const [account] = accounts;
    let sentAt = Date.now();
    const ok = await api.get('/api/instance/list', { token: account.token });
    expect(ok.status).toBe(200);
    expectRateHeaders(ok, LIMIT, LIMIT - 1, sentAt);

    sentAt = Date.now();
    const notFound = await api.get('/api/instance/getSettings/ghost', { token: account.token });
    expect(notFound.status).toBe(404);
    expectRateHeaders(notFound, LIMIT, LIMIT - 2, sentAt);

    sentAt = Date.now();
    const invalid = await api.get('/api/instance/list', { token: `garbage-${'g'.repeat(30)}` });
    expect(invalid.status).toBe(401);
    expectRateHeaders(invalid, LIMIT, LIMIT - 1, sentAt);

    sentAt = Date.now();
    const missing = await api.get('/api/instance/list');
    expect(missing.status).toBe(401);
    expectRateHeaders(missing, LIMIT, LIMIT - 1, sentAt);
  });

  it('answers 429 with Retry-After on the (N+1)th request, counting every route and header in one bucket', async () => {
    const token = accounts[1].token;
    const routes = [
      '/api/instance/list',
      '/api/instance/getSettings/ghost',
      '/api/instance/getProxy/ghost',
      '/api/instance/getS3/ghost',
    ];
    const remaining: string[] = [];
    for (let i = 0; i < LIMIT; i++) {
      // The same token in any of the three headers of D3 is the same bucket.
      const via = (['token', 'bearer', 'apikey'] as const)[i % 3];
      const res = await api.get(routes[i % routes.length], { token, via });
      expect(res.status).not.toBe(429);
      remaining.push(res.headers.get('x-ratelimit-remaining') ?? '');
    }
    expect(remaining).toEqual(Array.from({ length: LIMIT }, (_, i) => String(LIMIT - 1 - i)));

    const sentAt = Date.now();
    const over = await api.post('/api/instance/settings/ghost', {
      token,
      body: { autoRejectCalls: true },
    });
    expect429(over);
    expectRateHeaders(over, LIMIT, 0, sentAt);
    expect429(await api.get('/api/instance/list', { token }));
  });

  it('keeps a separate bucket for each token', async () => {
    const exhausted = accounts[1].token;
    expect429(await api.get('/api/instance/list', { token: exhausted }));
    const other = await api.get('/api/instance/list', { token: accounts[2].token });
    expect(other.status).toBe(200);
    expect(other.headers.get('x-ratelimit-remaining')).toBe(String(LIMIT - 1));
  });

  it('limits POST /api/instance/new in its own, lower bucket', async () => {
    const token = accounts[3].token;
    for (const [i, name] of ['first', 'second'].entries()) {
      const sentAt = Date.now();
      const res = await api.post('/api/instance/new', { token, body: { name } });
      expect(res.status).toBe(201);
      expectRateHeaders(res, CREATE_LIMIT, CREATE_LIMIT - 1 - i, sentAt);
    }
    expect429(await api.post('/api/instance/new', { token, body: { name: 'third' } }));

    // The global bucket of the same token still has room, and the refused creation created nothing.
    const list = await api.get('/api/instance/list', { token });
    expect(list.status).toBe(200);
    expect(list.body.instances.map((i: { name: string }) => i.name)).toEqual(['first', 'second']);
    expect(list.headers.get('x-ratelimit-limit')).toBe(String(LIMIT));
    expect(list.headers.get('x-ratelimit-remaining')).toBe(String(LIMIT - 4));
  });

  it('shares the count between two Wharf processes on the same Redis', async () => {
    const second = await startWharf({
      db: wharf.db,
      env: {
        ...limits,
        REDIS_KEY_PREFIX: wharf.redisPrefix,
        ADMIN_TOKEN: wharf.adminToken,
        ENCRYPTION_KEY: wharf.encryptionKey,
      },
    });
    try {
      expect(second.url).not.toBe(wharf.url);
      const other = new Api(second.url);
      const token = accounts[4].token;
      const remaining: string[] = [];
      for (const client of [api, api, api, api, other, other, other, other]) {
        const res = await client.get('/api/instance/list', { token });
        expect(res.status).toBe(200);
        remaining.push(res.headers.get('x-ratelimit-remaining') ?? '');
      }
      expect(remaining).toEqual(['7', '6', '5', '4', '3', '2', '1', '0']);
      expect429(await api.get('/api/instance/list', { token }));
      expect429(await other.get('/api/instance/list', { token }));
    } finally {
      await second.close();
    }
  });
});

describe('failed authentication per client address (D5)', () => {
  let wharf: WharfHandle;
  let api: Api;

  beforeAll(async () => {
    wharf = await startWharf({
      env: {
        RATE_LIMIT_PER_MINUTE: '1000',
        RATE_LIMIT_AUTH_FAILURES_PER_MINUTE: '3',
        RATE_LIMIT_INSTANCE_CREATE_PER_MINUTE: '2',
      },
    });
    api = new Api(wharf.url);
  });
  afterAll(() => wharf.close());

  it('refuses further guesses from the address with 429 and the headers of that limit', async () => {
    const garbage = (i: number) => `wrong-token-${i}-${'w'.repeat(30)}`;
    for (const i of [1, 2]) {
      expect((await api.get('/api/instance/list', { token: garbage(i) })).status).toBe(401);
    }
    const third = await api.get('/api/instance/list', { token: garbage(3) });
    expect(third.body).toEqual({
      success: false,
      error: { message: 'Invalid token', code: 'INVALID_TOKEN' },
    });
    const sentAt = Date.now();
    const fourth = await api.get('/api/instance/list', { token: garbage(4) });
    expect429(fourth, 'AUTH_RATE_LIMITED');
    // The headers are the failure limit's (3 per minute, none left), not the guessed token's.
    expectRateHeaders(fourth, 3, 0, sentAt);
  });

  it('never refuses a valid token from a blocked address, and its quota is untouched', async () => {
    const account = await createAccount(wharf, 'Victim');
    // The address is blocked by the guesses of the test above (or of this one).
    for (const i of [5, 6, 7, 8]) {
      await api.get('/api/instance/list', { token: `wrong-token-${i}-${'w'.repeat(30)}` });
    }
    expect429(
      await api.get('/api/instance/list', { token: `wrong-token-9-${'w'.repeat(30)}` }),
      'AUTH_RATE_LIMITED',
    );
    expect((await api.get('/api/instance/list', { token: account.token })).status).toBe(200);
    expect((await api.get('/api/admin/accounts', { token: wharf.adminToken })).status).toBe(200);
    // Its instance-creation quota (2 per minute) is whole: the guesses consumed none of it.
    for (const name of ['first', 'second']) {
      const created = await api.post('/api/instance/new', { token: account.token, body: { name } });
      expect(created.status).toBe(201);
    }
    expect429(
      await api.post('/api/instance/new', { token: account.token, body: { name: 'third' } }),
    );
  });
});

describe('a refused request consumes no other quota (D5)', () => {
  let wharf: WharfHandle;
  let api: Api;

  beforeAll(async () => {
    wharf = await startWharf({
      env: { RATE_LIMIT_PER_MINUTE: '3', RATE_LIMIT_INSTANCE_CREATE_PER_MINUTE: '100' },
    });
    api = new Api(wharf.url);
  });
  afterAll(() => wharf.close());

  it('does not count a create the global limit refused against the create bucket', async () => {
    const account = await createAccount(wharf, 'Busy');
    for (let i = 0; i < 3; i++) {
      expect((await api.get('/api/instance/list', { token: account.token })).status).toBe(200);
    }
    for (let i = 0; i < 5; i++) {
      expect429(
        await api.post('/api/instance/new', { token: account.token, body: { name: `x${i}` } }),
      );
    }
    const keys = await redisKeys(wharf.redisPrefix);
    const createBuckets = keys.filter((key) => key.includes('instanceCreate'));
    expect(createBuckets).toEqual([]);
  });
});

/** Keys under a Wharf process's Redis prefix (its rate-limit buckets among them). */
async function redisKeys(prefix: string): Promise<string[]> {
  const { default: Redis } = await import('ioredis');
  const redis = new Redis(process.env.WHARF_TEST_REDIS_URL ?? 'redis://127.0.0.1:6379');
  try {
    return await redis.keys(`*${prefix}*`);
  } finally {
    redis.disconnect();
  }
}

describe('Redis unreachable (D5 fail open)', () => {
  let wharf: WharfHandle;
  let api: Api;

  beforeAll(async () => {
    wharf = await startWharf({
      env: {
        REDIS_URL: `redis://127.0.0.1:${await closedPort()}`,
        RATE_LIMIT_PER_MINUTE: '2',
        RATE_LIMIT_INSTANCE_CREATE_PER_MINUTE: '1',
        RATE_LIMIT_AUTH_FAILURES_PER_MINUTE: '2',
      },
    });
    api = new Api(wharf.url);
  });
  afterAll(() => wharf.close());

  it('keeps answering requests beyond every limit, without 429 or 500', async () => {
    const account = await createAccount(wharf, 'Fail open');
    const statuses: number[] = [];
    for (const name of ['one', 'two', 'three']) {
      statuses.push(
        (await api.post('/api/instance/new', { token: account.token, body: { name } })).status,
      );
    }
    for (let i = 0; i < 4; i++) {
      statuses.push((await api.get('/api/instance/list', { token: account.token })).status);
    }
    for (let i = 0; i < 4; i++) {
      statuses.push(
        (await api.get('/api/instance/list', { token: `wrong-${i}-${'x'.repeat(30)}` })).status,
      );
    }
    expect(statuses).toEqual([201, 201, 201, 200, 200, 200, 200, 401, 401, 401, 401]);
  });

  it('counts the skipped checks in the fail-open metric', async () => {
    const res = await api.get('/metrics', { token: wharf.adminToken });
    expect(res.status).toBe(200);
    const value = (limiter: string) =>
      Number(
        new RegExp(`^wharf_rate_limit_fail_open_total\\{limiter="${limiter}"\\} (\\d+)`, 'm').exec(
          res.text,
        )?.[1] ?? 0,
      );
    expect(value('requests')).toBeGreaterThan(0);
    expect(value('auth_failures')).toBeGreaterThan(0);
  });

  it('reports Redis down with 503 on /health/ready', async () => {
    const res = await api.get('/health/ready');
    expect(res.status).toBe(503);
    expect(res.body.details).toEqual({
      database: { status: 'up' },
      redis: expect.objectContaining({ status: 'down' }),
      // The queue workers live on Redis too (D18).
      queues: { status: 'down', down: expect.arrayContaining(['webhook-delivery', 'outbound']) },
    });
  });
});

describe('malformed JSON after authentication and rate limiting', () => {
  let wharf: WharfHandle;
  beforeAll(async () => {
    wharf = await startWharf();
  });
  afterAll(() => wharf.close());

  it('answers 401 without a token and 400 Invalid request body with one, both with rate-limit headers', async () => {
    const api = new Api(wharf.url);
    const anonymous = await api.post('/api/instance/new', { rawBody: '{bad' });
    expect(anonymous.status).toBe(401);
    expect(anonymous.body.error.message).toBe('Missing token in header');
    const account = await api.post('/api/admin/accounts', {
      token: wharf.adminToken,
      body: { name: 'J' },
    });
    const res = await api.post('/api/instance/new', {
      token: account.body.account.token,
      rawBody: '{bad',
    });
    expect(res.status).toBe(400);
    expect(res.body).toEqual({
      success: false,
      error: { message: 'Invalid request body', code: 'INVALID_BODY' },
    });
    expect(res.headers.get('x-ratelimit-limit')).toBeTruthy();
  });
});
