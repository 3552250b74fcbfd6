import { DEFAULT_RETRY_SCHEDULE_MS } from '@wharf/config/webhook.config';

import { nextRetry, parseRetryAfter } from './retry-schedule';

const policy = { scheduleMs: DEFAULT_RETRY_SCHEDULE_MS, jitterPercent: 20 };

describe('nextRetry (D6)', () => {
  it('follows 5 s, 30 s, 2 min, 10 min, 30 min, 1 h, 3 h, 6 h, 12 h without jitter at the midpoint', () => {
    const delays = DEFAULT_RETRY_SCHEDULE_MS.map((_, i) =>
      nextRetry(policy, i + 1, null, () => 0.5),
    );
    expect(delays).toEqual(
      [5, 30, 120, 600, 1800, 3600, 10800, 21600, 43200].map((s) => ({
        retry: true,
        delayMs: s * 1000,
      })),
    );
  });

  it('gives up after the last scheduled retry (dead)', () => {
    expect(nextRetry(policy, 10)).toEqual({ retry: false });
    expect(nextRetry({ scheduleMs: [100, 200], jitterPercent: 0 }, 3)).toEqual({ retry: false });
  });

  it('keeps the jitter within ±20 %', () => {
    expect(nextRetry(policy, 2, null, () => 0)).toEqual({ retry: true, delayMs: 24_000 });
    expect(nextRetry(policy, 2, null, () => 0.999999)).toEqual({ retry: true, delayMs: 36_000 });
    for (let i = 0; i < 200; i += 1) {
      const decision = nextRetry(policy, 1);
      if (!decision.retry) throw new Error('expected a retry');
      expect(decision.delayMs).toBeGreaterThanOrEqual(4_000);
      expect(decision.delayMs).toBeLessThanOrEqual(6_000);
    }
  });

  it('waits at least Retry-After', () => {
    expect(nextRetry(policy, 1, 90_000, () => 0.5)).toEqual({ retry: true, delayMs: 90_000 });
    expect(nextRetry(policy, 2, 1_000, () => 0.5)).toEqual({ retry: true, delayMs: 30_000 });
  });
});

describe('parseRetryAfter', () => {
  it('reads delay-seconds and HTTP dates', () => {
    const now = Date.parse('2026-04-28T10:30:00Z');
    expect(parseRetryAfter('7', now)).toBe(7_000);
    expect(parseRetryAfter('Tue, 28 Apr 2026 10:30:05 GMT', now)).toBe(5_000);
    expect(parseRetryAfter('Tue, 28 Apr 2026 10:29:00 GMT', now)).toBe(0);
  });

  it('ignores an absent or unreadable value', () => {
    expect(parseRetryAfter(undefined)).toBeNull();
    expect(parseRetryAfter('soon')).toBeNull();
  });
});
