import { registerAs } from '@nestjs/config';

import { readInt } from './env';

/** Rate limits of D5, each per one-minute window. */
export interface RateLimitConfig {
  /** Requests per token per minute on every route (RATE_LIMIT_PER_MINUTE, 100). */
  perMinute: number;
  /** `POST /api/instance/new` per token per minute (RATE_LIMIT_INSTANCE_CREATE_PER_MINUTE, 20). */
  instanceCreatePerMinute: number;
  /** Failed authentications per client address per minute (RATE_LIMIT_AUTH_FAILURES_PER_MINUTE, 30). */
  authFailuresPerMinute: number;
  /** Window length, milliseconds (fixed at one minute; configurable for tests). */
  windowMs: number;
}

export function loadRateLimitConfig(): RateLimitConfig {
  return {
    perMinute: readInt('RATE_LIMIT_PER_MINUTE', 100, 1, 1_000_000),
    instanceCreatePerMinute: readInt('RATE_LIMIT_INSTANCE_CREATE_PER_MINUTE', 20, 1, 1_000_000),
    authFailuresPerMinute: readInt('RATE_LIMIT_AUTH_FAILURES_PER_MINUTE', 30, 1, 1_000_000),
    windowMs: readInt('RATE_LIMIT_WINDOW_MS', 60_000, 1_000, 3_600_000),
  };
}

export const rateLimitConfig = registerAs('rateLimit', loadRateLimitConfig);
