import { registerAs } from '@nestjs/config';

import { readString, readUrl } from './env';

export interface RedisConfig {
  url: string;
  /** Prefix of every Redis key Wharf writes (rate limits, leases, queues, fan-out). */
  keyPrefix: string;
}

export function loadRedisConfig(): RedisConfig {
  return {
    url: readUrl('REDIS_URL', ['redis:', 'rediss:']) ?? 'redis://127.0.0.1:6379',
    keyPrefix: readString('REDIS_KEY_PREFIX') ?? 'wharf:',
  };
}

export const redisConfig = registerAs('redis', loadRedisConfig);
