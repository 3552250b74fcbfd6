import { applyDecorators, HttpCode, Type } from '@nestjs/common';
import { ApiOperation, ApiResponse } from '@nestjs/swagger';

export interface ApiSuccessOptions {
  summary: string;
  description?: string;
  /** HTTP status of success (default 200). */
  status?: number;
  type?: Type<unknown>;
  /** A full example body of the success response. */
  example: unknown;
}

/**
 * Route documentation in one place (D18): summary, success status, response type and a full
 * example body. Also sets the HTTP code Nest answers with.
 */
export function ApiSuccess(options: ApiSuccessOptions): MethodDecorator {
  const status = options.status ?? 200;
  return applyDecorators(
    HttpCode(status),
    ApiOperation({ summary: options.summary, description: options.description }),
    ApiResponse({
      status,
      type: options.type,
      description: 'Success',
      content: options.type ? undefined : { 'application/json': { example: options.example } },
      example: options.example,
    }),
  );
}
