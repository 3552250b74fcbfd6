import { Global, Module } from '@nestjs/common';

import { RateLimitMetrics } from '../rate-limit/rate-limit.metrics';
import { HttpMetrics } from './http.metrics';
import { MetricsRegistry } from './metrics.registry';

@Global()
@Module({
  providers: [MetricsRegistry, HttpMetrics, RateLimitMetrics],
  exports: [MetricsRegistry, HttpMetrics, RateLimitMetrics],
})
export class MetricsModule {}
