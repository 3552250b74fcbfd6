/** What the retry policy decides after a failed attempt (D6). */
export type RetryDecision = { retry: true; delayMs: number } | { retry: false };

export interface RetryPolicy {
  /** Delay before each retry, ms; its length is the number of retries. */
  scheduleMs: readonly number[];
  /** ± jitter in percent of each delay (D6: 20). */
  jitterPercent: number;
}

/**
 * The delay before the next attempt after `failedAttempts` failures in the current cycle (D6):
 * the schedule entry ±jitter, and never less than the receiver's `Retry-After` (429/503).
 * @param failedAttempts failures so far in this cycle, ≥ 1
 * @param retryAfterMs the parsed `Retry-After`, ms, when the answer carried one
 * @param random a number in [0, 1) (injectable for tests)
 */
export function nextRetry(
  policy: RetryPolicy,
  failedAttempts: number,
  retryAfterMs: number | null = null,
  random: () => number = Math.random,
): RetryDecision {
  const base = policy.scheduleMs[failedAttempts - 1];
  if (base === undefined) return { retry: false };
  const spread = (base * policy.jitterPercent) / 100;
  const jittered = Math.round(base - spread + 2 * spread * random());
  return { retry: true, delayMs: Math.max(0, jittered, retryAfterMs ?? 0) };
}

/**
 * Parses a `Retry-After` header: delay-seconds or an HTTP date.
 * @returns milliseconds from `now`, or `null` when absent or unreadable
 */
export function parseRetryAfter(value: string | undefined | null, now = Date.now()): number | null {
  if (value == null) return null;
  const trimmed = value.trim();
  if (/^\d+$/.test(trimmed)) return Number(trimmed) * 1000;
  const date = Date.parse(trimmed);
  if (Number.isNaN(date)) return null;
  return Math.max(0, date - now);
}
