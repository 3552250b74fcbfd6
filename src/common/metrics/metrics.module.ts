import { Global, Module } from '@nestjs/common';

import { RateLimitMetrics } from '../rate-limit/rate-limit.metrics';
import { HttpMetrics } from './http.metrics';
import { MetricsRegistry } from './metrics.registry';
import { QueueMonitor } from './queue-monitor';

@Global()
@Module({
  providers: [MetricsRegistry, HttpMetrics, RateLimitMetrics, QueueMonitor],
  exports: [MetricsRegistry, HttpMetrics, RateLimitMetrics, QueueMonitor],
})
export class MetricsModule {}
