import { Global, Module } from '@nestjs/common';

import { RateLimitService } from '../rate-limit/rate-limit.service';
import { AuthService } from './auth.service';
import { AuthFailureLimiter } from './auth-failure-limiter';

/** Authentication and rate limiting, shared by the HTTP guards and the WebSocket upgrade (D3–D5, D8). */
@Global()
@Module({
  providers: [AuthService, AuthFailureLimiter, RateLimitService],
  exports: [AuthService, AuthFailureLimiter, RateLimitService],
})
export class AuthModule {}
