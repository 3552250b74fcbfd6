import { randomUUID } from 'node:crypto';

import { Inject, Injectable } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { REDIS } from '@wharf/common/redis/redis.module';
import type { AllConfig } from '@wharf/config';
import type Redis from 'ioredis';

/** A held lease: who owns the instance's session and the fencing token of this ownership. */
export interface SessionLease {
  instanceId: string;
  /** Strictly increasing per instance; credential writes carry it (D20). */
  fencingToken: number;
}

const RENEW = `
if redis.call('GET', KEYS[1]) == ARGV[1] then
  return redis.call('PEXPIRE', KEYS[1], ARGV[2])
end
return 0`;

const RELEASE = `
if redis.call('GET', KEYS[1]) == ARGV[1] then
  return redis.call('DEL', KEYS[1])
end
return 0`;

const RAISE = `
if tonumber(redis.call('GET', KEYS[1]) or '0') < tonumber(ARGV[1]) then
  redis.call('SET', KEYS[1], ARGV[1])
  return 1
end
return 0`;

/**
 * One owner per WhatsApp session (D20): a Redis key per instance holding `<owner>:<token>` with a
 * TTL. Acquiring increments the instance's fencing counter first, so every new owner has a larger
 * token than any before it. The owner renews well before the TTL; a process that fails to renew
 * has lost the lease and must stop the socket at once.
 */
@Injectable()
export class SessionLeaseService {
  /** This process's identity in lease values. */
  readonly ownerId = randomUUID();

  constructor(
    @Inject(REDIS) private readonly redis: Redis,
    private readonly config: ConfigService<AllConfig, true>,
  ) {}

  /** Lease time-to-live, milliseconds. */
  get ttlMs(): number {
    return this.config.get('session.leaseTtlMs', { infer: true });
  }

  private key(instanceId: string): string {
    return `${this.config.get('redis.keyPrefix', { infer: true })}lease:${instanceId}`;
  }

  private value(lease: SessionLease): string {
    return `${this.ownerId}:${lease.fencingToken}`;
  }

  /** Takes the lease when nobody holds it. @returns the lease, or `null` when another owner holds it */
  async acquire(instanceId: string): Promise<SessionLease | null> {
    const key = this.key(instanceId);
    if (await this.redis.exists(key)) return null;
    const fencingToken = await this.redis.incr(`${key}:fence`);
    const lease = { instanceId, fencingToken };
    const ok = await this.redis.set(key, this.value(lease), 'PX', this.ttlMs, 'NX');
    return ok === 'OK' ? lease : null;
  }

  /**
   * Raises the instance's fencing counter to `fence` when it is lower (Redis lost it: restart
   * without persistence, failover), so the next {@link acquire} gets a token above every earlier
   * owner's. @returns whether it was raised
   */
  async raiseFence(instanceId: string, fence: number): Promise<boolean> {
    const raised = await this.redis.eval(RAISE, 1, `${this.key(instanceId)}:fence`, String(fence));
    return Number(raised) === 1;
  }

  /** Extends the lease. @returns false when it was lost (expired or taken by another owner) */
  async renew(lease: SessionLease): Promise<boolean> {
    const result = await this.redis.eval(
      RENEW,
      1,
      this.key(lease.instanceId),
      this.value(lease),
      String(this.ttlMs),
    );
    return Number(result) === 1;
  }

  /** Gives the lease up if still held. */
  async release(lease: SessionLease): Promise<void> {
    await this.redis.eval(RELEASE, 1, this.key(lease.instanceId), this.value(lease));
  }

  /** The current holder's owner id, or `null`. */
  async holder(instanceId: string): Promise<string | null> {
    const value = await this.redis.get(this.key(instanceId));
    return value ? value.slice(0, value.lastIndexOf(':')) : null;
  }

  /**
   * The current holder of each instance's lease in one round trip (MGET), for batches such as an
   * account deletion (issue 11). @returns instance id → owner id, or `null` when nobody holds it
   */
  async holders(instanceIds: readonly string[]): Promise<Map<string, string | null>> {
    if (instanceIds.length === 0) return new Map();
    const values = await this.redis.mget(...instanceIds.map((id) => this.key(id)));
    return new Map(
      instanceIds.map((id, i) => {
        const value = values[i];
        return [id, value ? value.slice(0, value.lastIndexOf(':')) : null];
      }),
    );
  }
}
