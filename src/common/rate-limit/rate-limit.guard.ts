import { CanActivate, ExecutionContext, Injectable } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { FastifyReply, FastifyRequest } from 'fastify';

import { RATE_LIMIT_BUCKET, RateLimitBucket, SKIP_RATE_LIMIT } from './rate-limit.decorator';
import { RateLimitService } from './rate-limit.service';

/**
 * Global guard applying the per-token limits of D5 (see {@link RateLimitService}): sets
 * `X-RateLimit-Limit/Remaining/Reset` on every response it sees and answers 429 with
 * `Retry-After` over the limit.
 */
@Injectable()
export class RateLimitGuard implements CanActivate {
  constructor(
    private readonly limiter: RateLimitService,
    private readonly reflector: Reflector,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    if (context.getType() !== 'http') return true;
    const targets = [context.getHandler(), context.getClass()];
    if (this.reflector.getAllAndOverride<boolean>(SKIP_RATE_LIMIT, targets)) return true;
    const request = context.switchToHttp().getRequest<FastifyRequest>();
    const reply = context.switchToHttp().getResponse<FastifyReply>();
    const extra = this.reflector.get<RateLimitBucket | undefined>(
      RATE_LIMIT_BUCKET,
      context.getHandler(),
    );
    const outcome = await this.limiter.consume(request, request.ip, extra);
    for (const [name, value] of Object.entries(outcome.headers ?? {}))
      void reply.header(name, value);
    if (outcome.rejection) throw outcome.rejection;
    return true;
  }
}
