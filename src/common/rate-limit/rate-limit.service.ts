import { Injectable, Logger } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { InjectThrottlerStorage, type ThrottlerStorage } from '@nestjs/throttler';
import type { AllConfig } from '@wharf/config';

import { extractToken, type TokenSource } from '../auth/token-extractor';
import { sha256Hex } from '../crypto';
import { RateLimitedError } from '../errors';
import type { RateLimitBucket } from './rate-limit.decorator';
import { RateLimitMetrics } from './rate-limit.metrics';

/** The headers of D5 for one request. */
export interface RateLimitHeaders {
  'X-RateLimit-Limit': string;
  'X-RateLimit-Remaining': string;
  'X-RateLimit-Reset': string;
}

/** What one request consumed: the headers to send, and the 429 to throw when over the limit. */
export interface RateLimitOutcome {
  headers: RateLimitHeaders | null;
  rejection: RateLimitedError | null;
}

/**
 * Per-token counting of D5 on @nestjs/throttler's Redis storage, shared by the HTTP guard and the
 * WebSocket upgrade. Everyone using one token shares one bucket across routes and processes;
 * requests without a token count per client address. Fails open when Redis is unreachable.
 */
@Injectable()
export class RateLimitService {
  private readonly logger = new Logger(RateLimitService.name);

  constructor(
    @InjectThrottlerStorage() private readonly storage: ThrottlerStorage,
    private readonly config: ConfigService<AllConfig, true>,
    private readonly metrics: RateLimitMetrics,
  ) {}

  /**
   * Counts one request of `source` (token, else `address`) in the global bucket and `extra`.
   * `X-RateLimit-Reset` is Unix seconds (D5).
   */
  async consume(
    source: TokenSource,
    address: string,
    extra?: RateLimitBucket,
    allowQueryToken = false,
  ): Promise<RateLimitOutcome> {
    const limits = this.config.get('rateLimit', { infer: true });
    const token = extractToken(source, allowQueryToken);
    const tracker = token ? `token:${sha256Hex(token)}` : `ip:${address}`;
    const buckets: Array<[string, number]> = [['global', limits.perMinute]];
    if (extra === 'instanceCreate')
      buckets.push(['instanceCreate', limits.instanceCreatePerMinute]);

    // One bucket after the other: a request the global bucket refuses consumes no other quota.
    const results: Array<{ name: string; limit: number; hits: number; resetIn: number }> = [];
    try {
      for (const [name, limit] of buckets) {
        const record = await this.storage.increment(
          `${this.config.get('redis.keyPrefix', { infer: true })}rl:${tracker}`,
          limits.windowMs,
          limit,
          limits.windowMs,
          name,
        );
        results.push({ name, limit, hits: record.totalHits, resetIn: record.timeToExpire });
        if (record.totalHits > limit) break;
      }
    } catch (error) {
      this.metrics.failOpen.inc({ limiter: 'requests' });
      this.logger.warn(`Rate limiter unavailable, failing open: ${(error as Error).message}`);
      return { headers: null, rejection: null };
    }
    // The binding bucket is the one with the fewest requests left.
    const binding = results.reduce((a, b) => (b.limit - b.hits < a.limit - a.hits ? b : a));
    const headers: RateLimitHeaders = {
      'X-RateLimit-Limit': String(binding.limit),
      'X-RateLimit-Remaining': String(Math.max(0, binding.limit - binding.hits)),
      'X-RateLimit-Reset': String(Math.floor(Date.now() / 1000) + binding.resetIn),
    };
    if (binding.hits <= binding.limit) return { headers, rejection: null };
    this.metrics.rejected.inc({ bucket: binding.name });
    return { headers, rejection: new RateLimitedError(binding.resetIn) };
  }
}
