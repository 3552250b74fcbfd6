import { Injectable } from '@nestjs/common';
import { Counter } from 'prom-client';

import { MetricsRegistry } from '../metrics/metrics.registry';

/** Rate-limit counters (D5): rejections and the times Redis was unreachable (fail open). */
@Injectable()
export class RateLimitMetrics {
  readonly rejected: Counter<'bucket'>;
  readonly failOpen: Counter<'limiter'>;

  constructor(registry: MetricsRegistry) {
    this.rejected = new Counter({
      name: 'wharf_rate_limit_rejected_total',
      help: 'Requests answered 429 by the rate limiter, by bucket',
      labelNames: ['bucket'],
      registers: [registry],
    });
    this.failOpen = new Counter({
      name: 'wharf_rate_limit_fail_open_total',
      help: 'Rate-limit checks skipped because Redis was unreachable',
      labelNames: ['limiter'],
      registers: [registry],
    });
  }
}
