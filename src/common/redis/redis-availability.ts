import { Inject, Injectable, Logger } from '@nestjs/common';
import type Redis from 'ioredis';

import { REDIS } from './redis.tokens';

/** Work to redo once Redis is reachable again (e.g. take the session leases back). */
export type RedisRecoveryHook = () => Promise<unknown>;

/** What readiness reports about Redis besides its PING (issue 11, D18). */
export type RedisRecoveryState =
  | { state: 'up' }
  | { state: 'recovering'; pending: string[] }
  | { state: 'down'; since: Date; reason: string };

/**
 * Follows the shared Redis client (src/common/redis/redis.module.ts) through an outage: when it is
 * ready again after losing its connection, it runs the registered recovery hooks at once instead
 * of leaving them to their timers, and reports `recovering` until they have all settled, so
 * `/health/ready` does not say ready while the work that makes sends possible again (sessions
 * restored under new leases) is still running. A hook that fails is logged and counts as settled;
 * its own timer retries it.
 */
@Injectable()
export class RedisAvailability {
  private readonly logger = new Logger(RedisAvailability.name);
  private readonly hooks = new Map<string, RedisRecoveryHook>();
  private readonly pending = new Set<string>();
  private lostAt?: Date;
  private lastError = 'connection closed';

  constructor(@Inject(REDIS) redis: Redis) {
    redis.on('error', (error: Error) => (this.lastError = error.message));
    redis.on('close', () => (this.lostAt ??= new Date()));
    redis.on('ready', () => {
      if (!this.lostAt) return;
      this.logger.log(`Redis is back after ${Date.now() - this.lostAt.getTime()} ms`);
      this.lostAt = undefined;
      void this.recover();
    });
  }

  /** Runs `hook` each time Redis returns after an outage; `name` appears in readiness meanwhile. */
  onRecovered(name: string, hook: RedisRecoveryHook): void {
    this.hooks.set(name, hook);
  }

  /** `down` since the connection was lost, `recovering` while hooks run, `up` otherwise. */
  state(): RedisRecoveryState {
    if (this.lostAt) return { state: 'down', since: this.lostAt, reason: this.lastError };
    if (this.pending.size) return { state: 'recovering', pending: [...this.pending] };
    return { state: 'up' };
  }

  private async recover(): Promise<void> {
    await Promise.all(
      [...this.hooks].map(async ([name, hook]) => {
        this.pending.add(name);
        try {
          await hook();
        } catch (error) {
          this.logger.warn(
            `Recovery of ${name} after a Redis outage failed: ${(error as Error).message}`,
          );
        } finally {
          this.pending.delete(name);
        }
      }),
    );
  }
}
