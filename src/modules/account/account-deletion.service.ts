import { randomUUID } from 'node:crypto';
import { setImmediate as yieldToLoop } from 'node:timers/promises';

import { EntityManager } from '@mikro-orm/core';
import {
  Inject,
  Injectable,
  Logger,
  OnApplicationBootstrap,
  OnApplicationShutdown,
} from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { REDIS } from '@wharf/common/redis/redis.module';
import type { AllConfig } from '@wharf/config';
import { Instance } from '@wharf/modules/instance/entities/instance.entity';
import { SessionProvider } from '@wharf/modules/session/session.provider';
import type Redis from 'ioredis';

import { Account } from './entities/account.entity';

/** Where a background account deletion stands (issue 11, `GET /api/admin/accounts/:id`). */
export interface AccountDeletionProgress {
  /**
   * `pending`: accepted, no process works on it right now (just accepted, or its process died and
   * another resumes it within DELETION_LOCK_TTL_MS); `running`: a process deletes its instances;
   * `done`: no instance is left and the account row goes next (then 404 `Account not found`).
   */
  status: 'pending' | 'running' | 'done';
  /** Instances the account had when the deletion was accepted. */
  instancesTotal: number;
  /** Instances deleted so far (`instancesTotal` minus those left). */
  instancesDeleted: number;
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

/**
 * Deletes accounts in the background, in chunks, without stalling the process (issue 11,
 * OWASP API4; D4). `request` marks the account (`deletionRequestedAt`, which also refuses its
 * tokens and its instances' tokens at once, see AuthService) and starts the work here; the work
 * is durable because the mark is in the database: every process sweeps for marked accounts at
 * start-up and every DELETION_LOCK_TTL_MS / 3, so a deletion whose process crashed is resumed by
 * whichever process comes next. A Redis lock per account (`<prefix>account-deletion:<id>`,
 * renewed while the work runs) keeps two processes from working on the same account.
 *
 * One chunk is DELETION_CHUNK_SIZE instances (lowest ids first): their live sessions are
 * forgotten on whichever process owns them ({@link SessionProvider.forgetMany}), then the
 * instances are deleted in one transaction; the schema's ON DELETE CASCADE removes every row
 * that belongs to them. The loop yields to the event loop between chunks. Repeating a chunk is
 * harmless, so the work is idempotent; the account row goes last.
 */
@Injectable()
export class AccountDeletionService implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(AccountDeletionService.name);
  /** Deletions this process runs now, by account id. */
  private readonly running = new Map<string, Promise<void>>();
  private sweepTimer?: NodeJS.Timeout;
  private sweeping = false;
  private stopping = false;

  constructor(
    private readonly em: EntityManager,
    @Inject(REDIS) private readonly redis: Redis,
    private readonly config: ConfigService<AllConfig, true>,
    private readonly sessions: SessionProvider,
  ) {}

  private get lockTtlMs(): number {
    return this.config.get('deletion.lockTtlMs', { infer: true });
  }

  private lockKey(accountId: string): string {
    return `${this.config.get('redis.keyPrefix', { infer: true })}account-deletion:${accountId}`;
  }

  onApplicationBootstrap(): void {
    const every = Math.max(1_000, Math.floor(this.lockTtlMs / 3));
    this.sweepTimer = setInterval(() => void this.sweep(), every);
    this.sweepTimer.unref();
    void this.sweep();
  }

  async onApplicationShutdown(): Promise<void> {
    this.stopping = true;
    clearInterval(this.sweepTimer);
    // Each loop stops after its current chunk; the rest is resumed by the next process.
    await Promise.allSettled([...this.running.values()]);
  }

  /**
   * Accepts the deletion of `account` (idempotent: a second call keeps the first request's time
   * and total) and starts it in this process unless another process is already running it.
   * Sets `disabled` as well, so the account reads as disabled while it goes.
   * @param em the caller's entity manager (the account was loaded through it)
   */
  async request(em: EntityManager, account: Account): Promise<void> {
    if (account.deletionRequestedAt === null) {
      const total = await em.count(Instance, { account });
      const now = new Date();
      await em.nativeUpdate(
        Account,
        { id: account.id, deletionRequestedAt: null },
        { deletionRequestedAt: now, deletionTotal: total, disabled: true },
      );
      await em.refresh(account);
    }
    this.start(account.id);
  }

  /**
   * Waits at most `ms` milliseconds for this process's run of the account's deletion to end.
   * @returns whether the account row is gone
   */
  async waitFor(accountId: string, ms: number): Promise<boolean> {
    const run = this.running.get(accountId);
    if (run && ms > 0) {
      let timer: NodeJS.Timeout | undefined;
      await Promise.race([
        run,
        new Promise((resolve) => {
          timer = setTimeout(resolve, ms);
        }),
      ]);
      clearTimeout(timer);
    }
    return (await this.em.fork().count(Account, { id: accountId })) === 0;
  }

  /** The progress of a marked account (`deletionRequestedAt` set). */
  async progress(account: Account): Promise<AccountDeletionProgress> {
    const left = await this.em.fork().count(Instance, { account: account.id });
    const total = Math.max(account.deletionTotal ?? left, left);
    let status: AccountDeletionProgress['status'] = 'done';
    if (left > 0) status = (await this.isRunning(account.id)) ? 'running' : 'pending';
    return { status, instancesTotal: total, instancesDeleted: total - left };
  }

  /** Whether some process holds the account's deletion lock now. */
  private async isRunning(accountId: string): Promise<boolean> {
    if (this.running.has(accountId)) return true;
    return (await this.redis.exists(this.lockKey(accountId)).catch(() => 0)) === 1;
  }

  /** Starts the deletion in this process unless it already runs here; never throws. */
  private start(accountId: string): void {
    if (this.stopping || this.running.has(accountId)) return;
    const run = this.run(accountId)
      .catch((error: unknown) => {
        // The mark stays: the next sweep (here or in another process) resumes it.
        this.logger.error(`Deleting account ${accountId} failed: ${(error as Error).message}`);
      })
      .finally(() => this.running.delete(accountId));
    this.running.set(accountId, run);
  }

  /** Starts every marked deletion that no process is running (start-up and periodically). */
  private async sweep(): Promise<void> {
    if (this.sweeping || this.stopping) return;
    this.sweeping = true;
    try {
      const marked = await this.em
        .fork()
        .find(
          Account,
          { deletionRequestedAt: { $ne: null } },
          { fields: ['id'], orderBy: { deletionRequestedAt: 'asc' } },
        );
      for (const account of marked) this.start(account.id);
    } catch (error) {
      this.logger.warn(`Account deletion sweep failed: ${(error as Error).message}`);
    } finally {
      this.sweeping = false;
    }
  }

  /** One process's run of a deletion under the account's lock (returns at once without it). */
  private async run(accountId: string): Promise<void> {
    const key = this.lockKey(accountId);
    const token = randomUUID();
    const ttl = this.lockTtlMs;
    if ((await this.redis.set(key, token, 'PX', ttl, 'NX')) !== 'OK') return;
    let lost = false;
    let lastRenew = Date.now();
    const renew = setInterval(
      () =>
        void this.redis
          .eval(RENEW, 1, key, token, String(ttl))
          .then((result) => {
            if (Number(result) === 1) lastRenew = Date.now();
            else lost = true;
          })
          .catch(() => {
            if (Date.now() - lastRenew >= ttl) lost = true;
          }),
      Math.max(250, Math.floor(ttl / 3)),
    );
    try {
      const chunkSize = this.config.get('deletion.chunkSize', { infer: true });
      const started = Date.now();
      let deleted = 0;
      for (;;) {
        if (this.stopping || lost) return;
        const em = this.em.fork();
        const chunk = await em.find(
          Instance,
          { account: accountId },
          { orderBy: { id: 'asc' }, limit: chunkSize },
        );
        if (chunk.length === 0) break;
        await this.sessions.forgetMany(chunk);
        if (this.stopping || lost) return;
        const ids = chunk.map((instance) => instance.id);
        // ON DELETE CASCADE removes the rows of every table that belongs to these instances.
        await em.transactional((tx) => tx.nativeDelete(Instance, { id: { $in: ids } }));
        deleted += ids.length;
        await yieldToLoop();
      }
      await this.em
        .fork()
        .nativeDelete(Account, { id: accountId, deletionRequestedAt: { $ne: null } });
      this.logger.log(
        `Deleted account ${accountId} (${deleted} instances in this run, ${Date.now() - started} ms)`,
      );
    } finally {
      clearInterval(renew);
      await this.redis.eval(RELEASE, 1, key, token).catch(() => undefined);
    }
  }
}
