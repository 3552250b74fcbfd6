import { Inject, Injectable, Logger } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import type { AllConfig } from '@wharf/config';
import type Redis from 'ioredis';

import { RateLimitMetrics } from '../rate-limit/rate-limit.metrics';
import { REDIS } from '../redis/redis.module';

/**
 * Brute-force limit on failed authentication per client address (D5, default 30/min). It limits
 * guessing, not use: only requests whose token is not valid count and are refused (a valid token
 * from a blocked address still works). Counters live in Redis; when Redis is unreachable it
 * fails open, logs and counts it.
 */
@Injectable()
export class AuthFailureLimiter {
  private readonly logger = new Logger(AuthFailureLimiter.name);

  constructor(
    @Inject(REDIS) private readonly redis: Redis,
    private readonly config: ConfigService<AllConfig, true>,
    private readonly metrics: RateLimitMetrics,
  ) {}

  private key(address: string): string {
    return `${this.config.get('redis.keyPrefix', { infer: true })}authfail:${address}`;
  }

  /**
   * Seconds until `address` may try again (0 when it is under the limit) and the D5 headers of
   * this limit (`X-RateLimit-Limit` = failures allowed per window, `Remaining` = 0,
   * `Reset` = Unix seconds) for the 429 it causes. Fails open (0) when Redis is unreachable.
   */
  async blockedFor(address: string): Promise<{ seconds: number; headers: Record<string, string> }> {
    const limit = this.config.get('rateLimit.authFailuresPerMinute', { infer: true });
    try {
      const [count, ttl] = await this.redis
        .multi()
        .get(this.key(address))
        .pttl(this.key(address))
        .exec()
        .then((r) => [Number(r?.[0]?.[1] ?? 0), Number(r?.[1]?.[1] ?? 0)]);
      if (count < limit) return { seconds: 0, headers: {} };
      const seconds = Math.max(1, Math.ceil(ttl / 1000));
      return {
        seconds,
        headers: {
          'X-RateLimit-Limit': String(limit),
          'X-RateLimit-Remaining': '0',
          'X-RateLimit-Reset': String(Math.floor(Date.now() / 1000) + seconds),
        },
      };
    } catch (error) {
      this.failOpen(error);
      return { seconds: 0, headers: {} };
    }
  }

  async recordFailure(address: string): Promise<void> {
    const windowMs = this.config.get('rateLimit.windowMs', { infer: true });
    try {
      await this.redis
        .multi()
        .incr(this.key(address))
        .pexpire(this.key(address), windowMs, 'NX')
        .exec();
    } catch (error) {
      this.failOpen(error);
    }
  }

  private failOpen(error: unknown): void {
    this.metrics.failOpen.inc({ limiter: 'auth_failures' });
    this.logger.warn(`Auth failure limiter unavailable, failing open: ${(error as Error).message}`);
  }
}
