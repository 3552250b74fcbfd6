import { CanActivate, ExecutionContext, Injectable } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { FastifyRequest } from 'fastify';

import {
  InvalidTokenError,
  MissingTokenError,
  RateLimitedError,
  UnauthenticatedError,
} from '../errors';
import { AUTH_KINDS, INSTANCE_PARAM, IS_PUBLIC } from './auth.decorator';
import { AuthService } from './auth.service';
import { AuthFailureLimiter } from './auth-failure-limiter';
import type { AuthenticatedRequestState, PrincipalKind } from './principal';
import { extractToken } from './token-extractor';

type WharfRequest = FastifyRequest & { wharf?: AuthenticatedRequestState };

/**
 * Global guard (docs/CONVENTIONS.md §3): denies every route that has neither `@Auth(...)` nor
 * `@Public()`, authenticates the token (D3), applies the brute-force limit per address to invalid tokens only
 * (D5), and
 * with `@OwnsInstance()` loads the path's instance under the ownership rules of D4.
 */
@Injectable()
export class AuthGuard implements CanActivate {
  constructor(
    private readonly reflector: Reflector,
    private readonly auth: AuthService,
    private readonly failures: AuthFailureLimiter,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    if (context.getType() !== 'http') return true;
    const targets = [context.getHandler(), context.getClass()];
    if (this.reflector.getAllAndOverride<boolean>(IS_PUBLIC, targets)) return true;
    const kinds = this.reflector.getAllAndOverride<PrincipalKind[] | undefined>(
      AUTH_KINDS,
      targets,
    );
    if (!kinds?.length) throw new UnauthenticatedError();

    const request = context.switchToHttp().getRequest<WharfRequest>();
    const token = extractToken(request);
    if (!token) throw new MissingTokenError();

    // A valid token of the wrong kind throws here without counting as a failed attempt. A valid
    // token is never refused by the failure limit: it limits guessing, not use (D5).
    const principal = await this.auth.resolve(token, kinds);
    if (!principal) {
      const blocked = await this.failures.blockedFor(request.ip);
      if (blocked.seconds > 0) {
        throw new RateLimitedError(blocked.seconds, 'AUTH_RATE_LIMITED', blocked.headers);
      }
      await this.failures.recordFailure(request.ip);
      throw new InvalidTokenError();
    }
    const state: AuthenticatedRequestState = { principal };
    const param = this.reflector.get<string | undefined>(INSTANCE_PARAM, context.getHandler());
    if (param) {
      const name = (request.params as Record<string, string | undefined>)[param] ?? '';
      state.instance = await this.auth.ownedInstance(principal, name);
    }
    request.wharf = state;
    return true;
  }
}
