import { HttpStatus } from '@nestjs/common';
import type { QueueOptions } from 'bull';

import { DomainError } from '../errors/domain-error';

/**
 * Longest wait between two reconnection attempts of every Redis client Wharf opens, ms. Once
 * Redis is back, each client is connected again within this (plus the connect itself): the first
 * bound of the recovery the README's "When Redis is unavailable" states (issue 11).
 */
export const REDIS_RECONNECT_MAX_DELAY_MS = 1000;

/**
 * ioredis `retryStrategy` of every Wharf client: 200 ms, 400 ms, … capped at
 * {@link REDIS_RECONNECT_MAX_DELAY_MS}, forever. (Bull's own default grows as e^attempt up to
 * 20 s, so after a 20 s outage its clients came back up to 20 s after Redis did.)
 * @param attempt 1 for the first retry
 * @returns the delay before the next attempt, ms
 */
export function redisRetryDelayMs(attempt: number): number {
  return Math.min(attempt * 200, REDIS_RECONNECT_MAX_DELAY_MS);
}

/**
 * The options every Bull queue of Wharf adds to its own: the reconnect delay above for its three
 * clients, and a worker that asks for the next job again {@link REDIS_RECONNECT_MAX_DELAY_MS}
 * after a Redis error instead of Bull's 5 s (`retryProcessDelay`). Together they bound how long a
 * queue's worker stays idle after Redis returns.
 */
export function bullRedisOptions(): Pick<QueueOptions, 'redis'> & {
  settings: { retryProcessDelay: number };
} {
  return {
    redis: { retryStrategy: redisRetryDelayMs },
    settings: { retryProcessDelay: REDIS_RECONNECT_MAX_DELAY_MS },
  };
}

/** Seconds a client is told to wait (`Retry-After`) when Redis is unavailable. */
const RETRY_AFTER_SECONDS = 5;

/**
 * 503 `REDIS_UNAVAILABLE` (issue 11): the request needs Redis (leases, queues, relays) and Redis
 * cannot be reached. Nothing was stored for it. Carries `Retry-After: 5`. docs/API.md gives no literal
 * for this case; the message follows D2 (say what failed and what to do).
 */
export class RedisUnavailableError extends DomainError {
  static readonly status = HttpStatus.SERVICE_UNAVAILABLE;
  static readonly code = 'REDIS_UNAVAILABLE';
  static readonly literal = 'Queue service unavailable, try again shortly';

  constructor() {
    super(
      RedisUnavailableError.status,
      RedisUnavailableError.code,
      RedisUnavailableError.literal,
      undefined,
      { 'Retry-After': String(RETRY_AFTER_SECONDS) },
    );
  }
}

/** Messages ioredis gives a command that cannot reach Redis (ioredis 5; no error class for them). */
const OUTAGE_MESSAGES = [
  // enableOfflineQueue: false and not connected (the shared client, src/common/redis/redis.module.ts)
  "Stream isn't writeable and enableOfflineQueue options is false",
  // the connection dropped with the command in flight
  'Connection is closed.',
  // commandTimeout elapsed (Redis unresponsive)
  'Command timed out',
];

/**
 * Whether `error` says Redis is unreachable, as opposed to a Redis answer (a `ReplyError`, which
 * stays a 500): one of ioredis's disconnected-command errors, or `MaxRetriesPerRequestError` of a
 * client that queues while disconnected (Bull's). The global filter's `toDomainError`
 * (src/common/errors/all-exceptions.filter.ts) answers such an error with
 * {@link RedisUnavailableError}.
 */
export function isRedisOutage(error: unknown): boolean {
  if (!(error instanceof Error)) return false;
  return error.name === 'MaxRetriesPerRequestError' || OUTAGE_MESSAGES.includes(error.message);
}
