import { CanActivate, ExecutionContext, Injectable, Logger } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { Reflector } from '@nestjs/core';
import { InjectThrottlerStorage, type ThrottlerStorage } from '@nestjs/throttler';
import type { FastifyReply, FastifyRequest } from 'fastify';

import type { AllConfig } from '../../config';
import { extractToken } from '../auth/token-extractor';
import { sha256Hex } from '../crypto';
import { RateLimitedError } from '../errors';
import { RATE_LIMIT_BUCKET, RateLimitBucket, SKIP_RATE_LIMIT } from './rate-limit.decorator';
import { RateLimitMetrics } from './rate-limit.metrics';

interface BucketResult {
  limit: number;
  hits: number;
  /** Seconds until the window resets. */
  resetIn: number;
}

/**
 * Per-token rate limits of D5 on @nestjs/throttler's Redis storage. Everyone using one token
 * shares one bucket across routes and processes; requests without a token are counted per
 * client address. Sets `X-RateLimit-Limit/Remaining/Reset` (Unix seconds) on every response it
 * sees and answers 429 with `Retry-After`. Fails open when Redis is unreachable.
 */
@Injectable()
export class RateLimitGuard implements CanActivate {
  private readonly logger = new Logger(RateLimitGuard.name);

  constructor(
    @InjectThrottlerStorage() private readonly storage: ThrottlerStorage,
    private readonly reflector: Reflector,
    private readonly config: ConfigService<AllConfig, true>,
    private readonly metrics: RateLimitMetrics,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    if (context.getType() !== 'http') return true;
    const targets = [context.getHandler(), context.getClass()];
    if (this.reflector.getAllAndOverride<boolean>(SKIP_RATE_LIMIT, targets)) return true;
    const request = context.switchToHttp().getRequest<FastifyRequest>();
    const reply = context.switchToHttp().getResponse<FastifyReply>();
    const limits = this.config.get('rateLimit', { infer: true });
    const token = extractToken(request);
    const tracker = token ? `token:${sha256Hex(token)}` : `ip:${request.ip}`;

    const buckets: Array<[string, number]> = [['global', limits.perMinute]];
    const extra = this.reflector.get<RateLimitBucket | undefined>(
      RATE_LIMIT_BUCKET,
      context.getHandler(),
    );
    if (extra === 'instanceCreate')
      buckets.push(['instanceCreate', limits.instanceCreatePerMinute]);

    let results: Array<[string, BucketResult]>;
    try {
      results = await Promise.all(
        buckets.map(async ([name, limit]): Promise<[string, BucketResult]> => {
          const record = await this.storage.increment(
            `${this.config.get('redis.keyPrefix', { infer: true })}rl:${tracker}`,
            limits.windowMs,
            limit,
            limits.windowMs,
            name,
          );
          return [name, { limit, hits: record.totalHits, resetIn: record.timeToExpire }];
        }),
      );
    } catch (error) {
      this.metrics.failOpen.inc({ limiter: 'requests' });
      this.logger.warn(`Rate limiter unavailable, failing open: ${(error as Error).message}`);
      return true;
    }

    // The binding bucket is the one with the fewest requests left.
    const [name, binding] = results.reduce((a, b) =>
      b[1].limit - b[1].hits < a[1].limit - a[1].hits ? b : a,
    );
    const nowSeconds = Math.floor(Date.now() / 1000);
    void reply.header('X-RateLimit-Limit', String(binding.limit));
    void reply.header('X-RateLimit-Remaining', String(Math.max(0, binding.limit - binding.hits)));
    void reply.header('X-RateLimit-Reset', String(nowSeconds + binding.resetIn));
    if (binding.hits > binding.limit) {
      this.metrics.rejected.inc({ bucket: name });
      throw new RateLimitedError(binding.resetIn);
    }
    return true;
  }
}
