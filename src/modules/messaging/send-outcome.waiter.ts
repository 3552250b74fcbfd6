import { setTimeout as sleep } from 'node:timers/promises';

import { EntityManager } from '@mikro-orm/core';
import { BeforeApplicationShutdown, Injectable } from '@nestjs/common';

import { Message } from './entities/message.entity';

/**
 * Whether a send's row holds its outcome: `failed`, or the send pipeline recorded the engine's
 * acceptance (`statusTimes.sent`, written by the outbound processor together with the timestamp,
 * the raw message and the D15 media fields, `s3Url` among them). A receipt can move `status` to
 * `delivered` or `read` before that record is written (the counterpart answers while the sender
 * still uploads to S3): such a row is not an outcome yet, since answering from it would give a
 * response without its timestamp and media fields.
 */
export function hasOutcome(row: Pick<Message, 'status' | 'statusTimes'>): boolean {
  return row.status === 'failed' || Boolean(row.statusTimes.sent);
}

/** How long a synchronous send waits for its outcome, ms (D14). */
export const SYNC_WAIT_MS = 60_000;

/**
 * How often a synchronous send re-reads its row when no outcome signal came, ms: the signal
 * covers sends this process delivers; the poll covers those another process owns.
 */
const OUTCOME_POLL_MS = 100;

/**
 * Waits for the outcome of synchronous sends (D14: the HTTP call waits until the engine accepted
 * the message or refused it). The outbound processor calls {@link recorded} after writing an
 * outcome, which wakes the waiters of this process at once; sends delivered by another process
 * are seen by re-reading the row.
 */
@Injectable()
export class SendOutcomeWaiter implements BeforeApplicationShutdown {
  /** Synchronous sends waiting in this process, woken when their row gets an outcome here. */
  private readonly waiters = new Map<string, Set<() => void>>();
  /** Aborted when the process begins to stop: waits end with the row as it is (`queued`). */
  private readonly stopping = new AbortController();

  constructor(private readonly em: EntityManager) {}

  /**
   * Reads the row until it holds its outcome ({@link hasOutcome}), for at most
   * {@link SYNC_WAIT_MS}, or until the process begins to stop (the send then stays queued for the
   * next owner).
   * @returns the row as last read: `failed`, sent (or later), or still `pending`/`sending`
   */
  async waitFor(rowId: string): Promise<Message> {
    const deadline = Date.now() + SYNC_WAIT_MS;
    for (;;) {
      // Listen before reading, so an outcome recorded between the read and the wait still wakes us.
      const next = this.nextOutcome(rowId);
      try {
        const row = await this.em.fork().findOneOrFail(Message, { id: rowId });
        if (hasOutcome(row)) return row;
        if (Date.now() > deadline || this.stopping.signal.aborted) return row;
        await Promise.race([
          next.signal,
          sleep(OUTCOME_POLL_MS, undefined, { signal: this.stopping.signal }).catch(() => {}),
        ]);
      } finally {
        next.cancel();
      }
    }
  }

  /** Wakes the synchronous sends of this process waiting for `rowId` (its row was just written). */
  recorded(rowId: string): void {
    for (const wake of this.waiters.get(rowId) ?? []) wake();
  }

  /** Graceful stop: waiting sends answer at once with their row as it is (202 `queued`). */
  beforeApplicationShutdown(): void {
    this.stopping.abort();
  }

  /** A promise settled by the next {@link recorded} of `rowId`, and its clean-up. */
  private nextOutcome(rowId: string): { signal: Promise<void>; cancel: () => void } {
    let wake!: () => void;
    const signal = new Promise<void>((resolve) => (wake = resolve));
    const waiters = this.waiters.get(rowId) ?? new Set<() => void>();
    waiters.add(wake);
    this.waiters.set(rowId, waiters);
    return {
      signal,
      cancel: () => {
        waiters.delete(wake);
        if (waiters.size === 0 && this.waiters.get(rowId) === waiters) this.waiters.delete(rowId);
      },
    };
  }
}
