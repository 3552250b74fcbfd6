import { randomBytes } from 'node:crypto';

import { ConfigService } from '@nestjs/config';
import type { AllConfig } from '@wharf/config';
import Redis from 'ioredis';

import { REDIS_RECONNECT_MAX_DELAY_MS, redisRetryDelayMs } from '../redis/redis-outage';
import { openQueue, queueOptions } from './create-queue';

const REDIS_URL = process.env.WHARF_TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';

function configWith(keyPrefix: string): ConfigService<AllConfig, true> {
  return new ConfigService({ redis: { url: REDIS_URL, keyPrefix } });
}

describe('queue options (docs/CONVENTIONS.md §8)', () => {
  it('adds the Redis URL, the prefixed key space and the bounded reconnect to the queue defaults', () => {
    const defaults = {
      defaultJobOptions: { attempts: 1, removeOnComplete: 1000 },
      settings: { lockDuration: 30_000 },
    };
    expect(queueOptions(configWith('wharf:'), defaults)).toEqual({
      ...defaults,
      url: REDIS_URL,
      prefix: 'wharf:bull',
      redis: { retryStrategy: redisRetryDelayMs },
      settings: { lockDuration: 30_000, retryProcessDelay: REDIS_RECONNECT_MAX_DELAY_MS },
    });
  });

  it('opens a queue whose jobs live under <REDIS_KEY_PREFIX>bull in Redis', async () => {
    const prefix = `wharf-unit:${randomBytes(6).toString('hex')}:`;
    const queue = openQueue<{ rowId: string }>(configWith(prefix), 'outbound:owner-1', {
      defaultJobOptions: { attempts: 1, removeOnComplete: 1000, removeOnFail: 1000 },
    });
    const redis = new Redis(REDIS_URL);
    try {
      const job = await queue.add({ rowId: 'r1' }, { jobId: 'r1' });
      expect(job.opts.attempts).toBe(1);
      const keys = await redis.keys(`${prefix}*`);
      expect(keys).toContain(`${prefix}bull:outbound:owner-1:r1`);
    } finally {
      await queue.obliterate({ force: true });
      await queue.close();
      await redis.quit();
    }
  });
});
