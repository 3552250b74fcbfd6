import { createServer } from 'node:net';

import Redis, { type RedisOptions } from 'ioredis';

import { isRedisOutage, redisRetryDelayMs, RedisUnavailableError } from './redis-outage';

/** A 127.0.0.1 port nothing listens on (taken, then released). */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  await new Promise((resolve) => server.close(resolve));
  return typeof address === 'object' && address ? address.port : 0;
}

/** The error a real ioredis client gives for `GET x` when Redis cannot be reached. */
async function errorOf(options: RedisOptions): Promise<unknown> {
  const client = new Redis({ port: await closedPort(), host: '127.0.0.1', ...options });
  client.on('error', () => undefined);
  try {
    await client.get('x');
    throw new Error('GET answered without a server');
  } catch (error) {
    return error;
  } finally {
    client.disconnect();
  }
}

describe('Redis outage errors (issue 11)', () => {
  it("recognises ioredis's errors for an unreachable Redis", async () => {
    const failFast = await errorOf({ enableOfflineQueue: false, retryStrategy: () => 50 });
    expect(isRedisOutage(failFast)).toBe(true);
    // Bull's clients queue while disconnected and give up after maxRetriesPerRequest.
    const queued = await errorOf({ maxRetriesPerRequest: 1, retryStrategy: () => 50 });
    expect((queued as Error).name).toBe('MaxRetriesPerRequestError');
    expect(isRedisOutage(queued)).toBe(true);
  });

  it('leaves other errors alone', () => {
    expect(isRedisOutage(new Error('WRONGTYPE Operation against a key'))).toBe(false);
    expect(isRedisOutage(new Error('connect ECONNREFUSED 127.0.0.1:5432'))).toBe(false);
    expect(isRedisOutage('Connection is closed.')).toBe(false);
    expect(isRedisOutage(undefined)).toBe(false);
  });

  it('answers 503 REDIS_UNAVAILABLE with Retry-After', () => {
    const error = new RedisUnavailableError();
    expect([error.status, error.code, error.message]).toEqual([
      503,
      'REDIS_UNAVAILABLE',
      'Queue service unavailable, try again shortly',
    ]);
    expect(error.headers).toEqual({ 'Retry-After': '5' });
  });

  it('reconnects at most 1 s apart', () => {
    expect([1, 2, 5, 6, 100].map(redisRetryDelayMs)).toEqual([200, 400, 1000, 1000, 1000]);
  });
});
