import { Injectable } from '@nestjs/common';
import { MetricsRegistry } from '@wharf/common/metrics/metrics.registry';
import { Counter, Histogram } from 'prom-client';

/**
 * Delivery metrics of D6 on `/metrics` (D18): attempts by outcome, the receiver's answer time,
 * and the time from an event to its successful delivery (what a user feels as "webhook lag").
 */
@Injectable()
export class WebhookMetrics {
  private readonly attempts: Counter<'outcome'>;
  private readonly attemptSeconds: Histogram;
  private readonly lagSeconds: Histogram;

  constructor(registry: MetricsRegistry) {
    this.attempts = new Counter({
      name: 'wharf_webhook_attempts_total',
      help: 'Webhook delivery attempts by outcome (succeeded, failed = retry scheduled, dead)',
      labelNames: ['outcome'],
      registers: [registry],
    });
    this.attemptSeconds = new Histogram({
      name: 'wharf_webhook_attempt_duration_seconds',
      help: 'Time from sending a webhook request to its answer or error',
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 15],
      registers: [registry],
    });
    this.lagSeconds = new Histogram({
      name: 'wharf_webhook_delivery_lag_seconds',
      help: 'Time from an event being recorded to its successful delivery',
      buckets: [0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 15, 60, 300, 3600, 86400],
      registers: [registry],
    });
  }

  /**
   * Records one attempt.
   * @param durationMs the request's duration, ms
   * @param eventAt when the event was recorded (lag is measured on success only)
   */
  attempt(outcome: 'succeeded' | 'failed' | 'dead', durationMs: number, eventAt: Date): void {
    this.attempts.inc({ outcome });
    if (durationMs > 0) this.attemptSeconds.observe(durationMs / 1000);
    if (outcome === 'succeeded') this.lagSeconds.observe((Date.now() - eventAt.getTime()) / 1000);
  }
}
