import { applyDecorators } from '@nestjs/common';
import { ApiExtraModels, ApiResponse, getSchemaPath } from '@nestjs/swagger';

import type { DocumentedError } from '../errors/domain-error';
import { ErrorEnvelopeDto } from './error-envelope.dto';
import { SWAGGER_METADATA } from './swagger-metadata';

const ROUTE_ERRORS = Symbol('wharf:route-errors');
const { API_RESPONSE } = SWAGGER_METADATA;

type Target = object & { [ROUTE_ERRORS]?: DocumentedError[] };

/**
 * Documents the errors a route can answer (D18): one OpenAPI response per HTTP status, listing
 * every `code` and literal `message` (one example each). Stacks with other `@ApiErrors` on the
 * same route, so auth, ownership and route-specific errors merge: each call re-emits the
 * responses of every status with the whole list, replacing what an earlier call wrote
 * (`@ApiResponse` would otherwise append the descriptions, listing the same codes twice).
 */
export function ApiErrors(...errors: DocumentedError[]): MethodDecorator & ClassDecorator {
  return (target: object, key?: string | symbol, descriptor?: PropertyDescriptor) => {
    const holder = (descriptor?.value ?? target) as Target;
    const previous = holder[ROUTE_ERRORS] ?? [];
    const all = [...previous];
    for (const error of errors)
      if (!all.some((e) => e.code === error.code && e.literal === error.literal)) all.push(error);
    holder[ROUTE_ERRORS] = all;
    const byStatus = new Map<number, DocumentedError[]>();
    for (const error of all)
      byStatus.set(error.status, [...(byStatus.get(error.status) ?? []), error]);
    const responses = Reflect.getMetadata(API_RESPONSE, holder) as
      Record<string, unknown> | undefined;
    if (responses) {
      const kept = { ...responses };
      for (const error of previous) delete kept[error.status];
      Reflect.defineMetadata(API_RESPONSE, kept, holder);
    }
    const decorators = [ApiExtraModels(ErrorEnvelopeDto)];
    for (const [status, list] of byStatus) {
      const examples = Object.fromEntries(
        list.map((e) => [
          e.code === 'OPERATION_FAILED' || e.code === 'VALIDATION_FAILED'
            ? `${e.code}:${e.literal}`
            : e.code,
          {
            summary: e.literal,
            value: { success: false, error: { message: e.literal, code: e.code } },
          },
        ]),
      );
      decorators.push(
        ApiResponse({
          status,
          description: list.map((e) => `\`${e.code}\`: ${e.literal}`).join('<br>'),
          content: {
            'application/json': { schema: { $ref: getSchemaPath(ErrorEnvelopeDto) }, examples },
          },
        }),
      );
    }
    if (key !== undefined && descriptor) {
      applyDecorators(...decorators)(target, key, descriptor);
    } else {
      applyDecorators(...decorators)(target as never);
    }
  };
}
