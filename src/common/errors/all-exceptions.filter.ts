import {
  ArgumentsHost,
  Catch,
  ExceptionFilter,
  HttpException,
  HttpStatus,
  Logger,
} from '@nestjs/common';
import { WhatsAppEngineError } from '@wharf/whatsapp';
import type { FastifyReply, FastifyRequest } from 'fastify';

import { isRedisOutage, RedisUnavailableError } from '../redis/redis-outage';
import {
  DomainError,
  InternalError,
  OperationFailedError,
  RouteNotFoundError,
} from './domain-error';
import { engineErrorToDomain } from './engine-errors';
import { errorEnvelope } from './error-envelope';

/**
 * Maps what a handler threw to the D2 answer: domain errors as they are, the engine's errors
 * through their table (`engine-errors.ts`), framework and Fastify errors to their literals,
 * anything else to 500 `Internal server error`.
 */
export function toDomainError(exception: unknown): DomainError {
  if (exception instanceof DomainError) return exception;
  if (exception instanceof WhatsAppEngineError) return engineErrorToDomain(exception);
  if (isRedisOutage(exception)) return new RedisUnavailableError();
  if (exception instanceof HttpException) {
    const status: number = exception.getStatus();
    if (status === 404) return new RouteNotFoundError();
    if (status === 413) {
      return new DomainError(status, 'BODY_TOO_LARGE', 'Request body too large');
    }
    if (status === 400) return new DomainError(status, 'INVALID_BODY', 'Invalid request body');
    if (status === 405) return new RouteNotFoundError();
    if (status < 500)
      return new DomainError(
        status,
        'HTTP_ERROR',
        HttpStatus[status]?.replace(/_/g, ' ') ?? 'Error',
      );
    return new InternalError();
  }
  const fastify = exception as { code?: string; statusCode?: number };
  if (typeof fastify?.code === 'string' && fastify.code.startsWith('FST_')) {
    if (fastify.code === 'FST_ERR_CTP_BODY_TOO_LARGE') {
      return new DomainError(
        HttpStatus.PAYLOAD_TOO_LARGE,
        'BODY_TOO_LARGE',
        'Request body too large',
      );
    }
    if (fastify.code === 'FST_ERR_CTP_INVALID_MEDIA_TYPE') {
      return new DomainError(
        HttpStatus.UNSUPPORTED_MEDIA_TYPE,
        'UNSUPPORTED_MEDIA_TYPE',
        'Content-Type must be application/json',
      );
    }
    if (fastify.statusCode && fastify.statusCode < 500) {
      return new DomainError(HttpStatus.BAD_REQUEST, 'INVALID_BODY', 'Invalid request body');
    }
  }
  return new InternalError();
}

/**
 * The one exception filter (D2): writes `{ success: false, error: { message, code, details? } }`.
 * 5xx are logged with the stack and the request id; the body never echoes input or secrets.
 */
@Catch()
export class AllExceptionsFilter implements ExceptionFilter {
  private readonly logger = new Logger('HttpError');

  catch(exception: unknown, host: ArgumentsHost): void {
    if (host.getType() !== 'http') return;
    const reply = host.switchToHttp().getResponse<FastifyReply>();
    const request = host.switchToHttp().getRequest<FastifyRequest>();
    const error = toDomainError(exception);
    if (Number(error.status) >= 500) {
      const cause = exception instanceof OperationFailedError ? exception.cause : exception;
      this.logger.error(
        { reqId: request.id, err: cause instanceof Error ? cause : new Error(String(cause)) },
        `${request.method} ${request.routeOptions?.url ?? 'unknown route'} failed: ${error.message}`,
      );
    }
    for (const [name, value] of Object.entries(error.headers ?? {})) void reply.header(name, value);
    void reply.status(error.status).send(errorEnvelope(error.message, error.code, error.details));
  }
}
