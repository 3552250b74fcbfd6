import { collectDefaultMetrics, Registry } from 'prom-client';

/**
 * One Prometheus registry per application instance (tests run several apps in one process, so
 * no global default registry). Served by `GET /metrics` (D18).
 */
export class MetricsRegistry extends Registry {
  constructor() {
    super();
    collectDefaultMetrics({ register: this, prefix: 'wharf_' });
  }
}
