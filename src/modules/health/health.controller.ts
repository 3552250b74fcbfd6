import { Controller, Get, HttpException, Inject, Res } from '@nestjs/common';
import { ApiExcludeEndpoint, ApiOperation, ApiTags } from '@nestjs/swagger';
import {
  HealthCheckResult,
  HealthCheckService,
  HealthIndicatorService,
  MikroOrmHealthIndicator,
} from '@nestjs/terminus';
import type { FastifyReply } from 'fastify';
import type Redis from 'ioredis';

import { Auth, Public } from '../../common/auth/auth.decorator';
import { MetricsRegistry } from '../../common/metrics/metrics.registry';
import { QueueMonitor } from '../../common/metrics/queue-monitor';
import { SkipRateLimit } from '../../common/rate-limit/rate-limit.decorator';
import { REDIS } from '../../common/redis/redis.module';

/** Health endpoints of D18 (public) and the Prometheus metrics (admin token). */
@ApiTags('Health')
@Controller()
export class HealthController {
  constructor(
    private readonly health: HealthCheckService,
    private readonly orm: MikroOrmHealthIndicator,
    private readonly indicators: HealthIndicatorService,
    @Inject(REDIS) private readonly redis: Redis,
    private readonly registry: MetricsRegistry,
    private readonly queues: QueueMonitor,
  ) {}

  @Get('health')
  @Public()
  @SkipRateLimit()
  @ApiOperation({ summary: 'Health, RyzeAPI-compatible: `{ "status": "ok" }`' })
  root(): { status: 'ok' } {
    return { status: 'ok' };
  }

  @Get('health/live')
  @Public()
  @SkipRateLimit()
  @ApiOperation({ summary: 'Liveness: the process answers' })
  async live(@Res({ passthrough: true }) reply: FastifyReply): Promise<HealthCheckResult> {
    return this.run(reply, []);
  }

  @Get('health/ready')
  @Public()
  @SkipRateLimit()
  @ApiOperation({
    summary: 'Readiness: database, Redis and this process’s queue workers (503 otherwise; D18)',
  })
  async ready(@Res({ passthrough: true }) reply: FastifyReply): Promise<HealthCheckResult> {
    return this.run(reply, [
      () => this.orm.pingCheck('database', { timeout: 2000 }),
      async () => {
        const indicator = this.indicators.check('redis');
        try {
          await this.redis.ping();
          return indicator.up();
        } catch (error) {
          return indicator.down({ message: (error as Error).message });
        }
      },
      () => {
        const indicator = this.indicators.check('queues');
        const down = this.queues.down();
        return down.length ? indicator.down({ down }) : indicator.up();
      },
    ]);
  }

  @Get('metrics')
  @Auth('admin')
  @ApiExcludeEndpoint()
  async metrics(@Res({ passthrough: true }) reply: FastifyReply): Promise<string> {
    void reply.header('Content-Type', this.registry.contentType);
    return this.registry.metrics();
  }

  private async run(
    reply: FastifyReply,
    checks: Parameters<HealthCheckService['check']>[0],
  ): Promise<HealthCheckResult> {
    try {
      return await this.health.check(checks);
    } catch (error) {
      if (error instanceof HttpException) {
        void reply.status(error.getStatus());
        return error.getResponse() as HealthCheckResult;
      }
      throw error;
    }
  }
}
