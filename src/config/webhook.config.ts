import { registerAs } from '@nestjs/config';

import { ConfigError, readInt, readString } from './env';

export interface WebhookConfig {
  /**
   * WEBHOOK_RETRY_SCHEDULE_MS: delays before each retry, ms (D6: 5 s, 30 s, 2 min, 10 min,
   * 30 min, 1 h, 3 h, 6 h, 12 h). Its length is the number of retries; after the last the
   * delivery is `dead`.
   */
  retryScheduleMs: number[];
  /** WEBHOOK_RETRY_JITTER_PERCENT: ± jitter applied to each retry delay (D6: 20). */
  retryJitterPercent: number;
  /** WEBHOOK_TIMEOUT_MS: a delivery succeeds on a 2xx within this time (D6: 15 s). */
  timeoutMs: number;
  /** WEBHOOK_DELIVERY_CONCURRENCY: deliveries in flight per process; 0 = this process does not deliver. */
  concurrency: number;
  /** WEBHOOK_DELIVERY_RETENTION_DAYS: succeeded deliveries older than this are deleted. */
  retentionDays: number;
  /** WEBHOOK_SWEEP_INTERVAL_MS: how often deliveries without a queued job are re-queued. */
  sweepIntervalMs: number;
  /**
   * WEBHOOK_JOB_LOCK_MS: lock of a running delivery job in Redis, renewed while it runs; a job
   * of a process that died is taken over after at most about twice this (Bull stalled check).
   */
  jobLockMs: number;
  /** WEBHOOK_SECRET_GRACE_MS: how long a rotated-out signing secret still signs (D6: 24 h). */
  secretGraceMs: number;
}

/** D6 retry schedule, ms. */
export const DEFAULT_RETRY_SCHEDULE_MS = [
  5_000, 30_000, 120_000, 600_000, 1_800_000, 3_600_000, 10_800_000, 21_600_000, 43_200_000,
];

function readSchedule(name: string): number[] {
  const raw = readString(name);
  if (raw === undefined) return [...DEFAULT_RETRY_SCHEDULE_MS];
  const parts = raw.split(',').map((part) => part.trim());
  if (parts.length > 50 || parts.some((part) => !/^\d+$/.test(part) || Number(part) > 604_800_000))
    throw new ConfigError(
      name,
      `must be a comma-separated list of at most 50 delays in ms, each at most 7 days (got "${raw}")`,
    );
  return parts.map(Number);
}

export function loadWebhookConfig(): WebhookConfig {
  return {
    retryScheduleMs: readSchedule('WEBHOOK_RETRY_SCHEDULE_MS'),
    retryJitterPercent: readInt('WEBHOOK_RETRY_JITTER_PERCENT', 20, 0, 100),
    timeoutMs: readInt('WEBHOOK_TIMEOUT_MS', 15_000, 100, 600_000),
    concurrency: readInt('WEBHOOK_DELIVERY_CONCURRENCY', 20, 0, 1_000),
    retentionDays: readInt('WEBHOOK_DELIVERY_RETENTION_DAYS', 7, 1, 3_650),
    sweepIntervalMs: readInt('WEBHOOK_SWEEP_INTERVAL_MS', 60_000, 500, 86_400_000),
    jobLockMs: readInt('WEBHOOK_JOB_LOCK_MS', 30_000, 1_000, 600_000),
    secretGraceMs: readInt('WEBHOOK_SECRET_GRACE_MS', 86_400_000, 0, 2_592_000_000),
  };
}

export const webhookConfig = registerAs('webhook', loadWebhookConfig);
