import { Global, Inject, Injectable, Logger, Module, OnApplicationShutdown } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import type { AllConfig } from '@wharf/config';
import Redis from 'ioredis';

import { REDIS } from './redis.tokens';
import { RedisAvailability } from './redis-availability';
import { redisRetryDelayMs } from './redis-outage';

export { REDIS };

@Injectable()
class RedisLifecycle implements OnApplicationShutdown {
  constructor(@Inject(REDIS) private readonly redis: Redis) {}

  async onApplicationShutdown(): Promise<void> {
    await this.redis.quit().catch(() => this.redis.disconnect());
  }
}

/**
 * One ioredis client for rate limits, health and small coordination keys. It does not queue
 * commands while disconnected, so callers can fail open (D5) or answer 503 `REDIS_UNAVAILABLE`
 * (redis-outage.ts) instead of hanging; it reconnects at most 1 s apart. `RedisAvailability`
 * follows it through outages for readiness (issue 11).
 */
@Global()
@Module({
  providers: [
    {
      provide: REDIS,
      inject: [ConfigService],
      useFactory: async (config: ConfigService<AllConfig, true>) => {
        const logger = new Logger('Redis');
        const client = new Redis(config.get('redis.url', { infer: true }), {
          enableOfflineQueue: false,
          maxRetriesPerRequest: 1,
          commandTimeout: 1000,
          lazyConnect: false,
          retryStrategy: redisRetryDelayMs,
        });
        let lastError = 0;
        client.on('error', (error: Error) => {
          if (Date.now() - lastError > 10_000) logger.warn(`Redis unavailable: ${error.message}`);
          lastError = Date.now();
        });
        // Give the first connection a moment so early requests are counted; a Redis that is
        // down does not stop start-up (readiness reports it, limits fail open — D5).
        await new Promise<void>((resolve) => {
          const timer = setTimeout(resolve, 3000);
          client.once('ready', () => {
            clearTimeout(timer);
            resolve();
          });
        });
        return client;
      },
    },
    RedisLifecycle,
    RedisAvailability,
  ],
  exports: [REDIS, RedisAvailability],
})
export class RedisModule {}
