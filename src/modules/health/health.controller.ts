import { MikroORM } from '@mikro-orm/core';
import { Controller, Get, HttpException, Inject, Res } from '@nestjs/common';
import { ApiExcludeEndpoint, ApiOperation, ApiTags } from '@nestjs/swagger';
import {
  HealthCheckResult,
  HealthCheckService,
  HealthIndicatorResult,
  HealthIndicatorService,
} from '@nestjs/terminus';
import { Auth, Public } from '@wharf/common/auth/auth.decorator';
import { MetricsRegistry } from '@wharf/common/metrics/metrics.registry';
import { QueueMonitor } from '@wharf/common/metrics/queue-monitor';
import { SkipRateLimit } from '@wharf/common/rate-limit/rate-limit.decorator';
import { REDIS } from '@wharf/common/redis/redis.module';
import { RedisAvailability } from '@wharf/common/redis/redis-availability';
import type { FastifyReply } from 'fastify';
import type Redis from 'ioredis';

/** How long `/health/ready` waits for the database's answer (ms). */
const DATABASE_CHECK_TIMEOUT_MS = 2000;

/** Health endpoints of D18 (public) and the Prometheus metrics (admin token). */
@ApiTags('Health')
@Controller()
export class HealthController {
  constructor(
    private readonly health: HealthCheckService,
    private readonly orm: MikroORM,
    private readonly indicators: HealthIndicatorService,
    @Inject(REDIS) private readonly redis: Redis,
    private readonly redisAvailability: RedisAvailability,
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
      () => this.databaseCheck(),
      () => this.redisCheck(),
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

  /**
   * D18: `database` is up when the database answers MikroORM's connection check within
   * {@link DATABASE_CHECK_TIMEOUT_MS}; down with the driver's reason (never a secret: the
   * driver names the failure, not the connection URL) or the timeout otherwise.
   */
  private async databaseCheck(): Promise<HealthIndicatorResult> {
    const indicator = this.indicators.check('database');
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<{ ok: false; reason: string }>((resolve) => {
      timer = setTimeout(
        () => resolve({ ok: false, reason: `timeout of ${DATABASE_CHECK_TIMEOUT_MS}ms exceeded` }),
        DATABASE_CHECK_TIMEOUT_MS,
      );
    });
    try {
      const result = await Promise.race([this.orm.checkConnection(), timeout]);
      return result.ok ? indicator.up() : indicator.down({ message: result.reason });
    } finally {
      clearTimeout(timer);
    }
  }

  /**
   * Issue 11: `redis` is up when Redis answers PING and nothing is left to redo after an outage.
   * Down with `Redis unavailable: <last connection error> (since <ISO time>)` while it cannot be
   * reached (requests that need it
   * answer 503 `REDIS_UNAVAILABLE` meanwhile), and with `Redis is back; recovering: <names>`
   * while `RedisAvailability` runs its recovery hooks (sessions taking their leases back, during
   * which their sends still answer 503).
   */
  private async redisCheck(): Promise<HealthIndicatorResult> {
    const indicator = this.indicators.check('redis');
    const availability = this.redisAvailability.state();
    try {
      await this.redis.ping();
    } catch (error) {
      const reason =
        availability.state === 'down'
          ? `${availability.reason} (since ${availability.since.toISOString()})`
          : (error as Error).message;
      return indicator.down({ message: `Redis unavailable: ${reason}` });
    }
    if (availability.state === 'recovering') {
      return indicator.down({
        message: `Redis is back; recovering: ${availability.pending.join(', ')}`,
      });
    }
    return indicator.up();
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
