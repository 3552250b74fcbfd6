import { SetMetadata } from '@nestjs/common';

/** Extra per-token buckets of D5 beyond the global one. */
export type RateLimitBucket = 'instanceCreate';

export const RATE_LIMIT_BUCKET = 'wharf:rate-limit-bucket';

/** Counts the route in an extra, stricter bucket as well as the global one (D5). */
export const RateLimit = (bucket: RateLimitBucket): MethodDecorator =>
  SetMetadata(RATE_LIMIT_BUCKET, bucket);

/** Exempts a route from rate limiting (health probes). */
export const SKIP_RATE_LIMIT = 'wharf:skip-rate-limit';
export const SkipRateLimit = (): MethodDecorator & ClassDecorator =>
  SetMetadata(SKIP_RATE_LIMIT, true);
