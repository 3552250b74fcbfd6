import { registerAs } from '@nestjs/config';

import { readInt } from './env';

/** Background deletion of accounts (issue 11, D4): how the work is cut up and coordinated. */
export interface DeletionConfig {
  /** DELETION_CHUNK_SIZE: instances deleted per transaction; the loop yields between chunks (100). */
  chunkSize: number;
  /**
   * DELETION_WAIT_MS: how long `DELETE /api/admin/accounts/:id` waits for the deletion to finish
   * before answering 202 with its progress (500 ms); a small account is answered 200 `deleted`.
   */
  waitMs: number;
  /**
   * DELETION_LOCK_TTL_MS: lifetime of the Redis lock of a running deletion, renewed while it runs
   * (15 s). A deletion whose process died is resumed by any process at most about this long later.
   */
  lockTtlMs: number;
}

export function loadDeletionConfig(): DeletionConfig {
  return {
    chunkSize: readInt('DELETION_CHUNK_SIZE', 100, 1, 10_000),
    waitMs: readInt('DELETION_WAIT_MS', 500, 0, 60_000),
    lockTtlMs: readInt('DELETION_LOCK_TTL_MS', 15_000, 1_000, 600_000),
  };
}

export const deletionConfig = registerAs('deletion', loadDeletionConfig);
