import {
  applyDecorators,
  createParamDecorator,
  ExecutionContext,
  SetMetadata,
} from '@nestjs/common';
import { ApiParam, ApiSecurity } from '@nestjs/swagger';

import {
  AccountDisabledError,
  InstanceNotFoundError,
  InstanceNotOwnedError,
  InstanceTokenMismatchError,
  InvalidTokenError,
  MissingTokenError,
  RateLimitedError,
} from '../errors';
import { ApiErrors } from '../openapi/api-errors.decorator';
import type { AuthenticatedRequestState, Principal, PrincipalKind } from './principal';

export const AUTH_KINDS = 'wharf:auth-kinds';
export const IS_PUBLIC = 'wharf:public';
/** Route option: the path parameter that names an instance to load and ownership-check. */
export const INSTANCE_PARAM = 'wharf:instance-param';

/** OpenAPI security scheme names (see `openapi.ts`). */
export const SECURITY_SCHEMES = {
  token: 'token',
  bearer: 'bearer',
  apikey: 'apikey',
  admin: 'admin',
} as const;

/**
 * The one auth decorator of a route (docs/CONVENTIONS.md §3): which principals may call it. With
 * `'account'` or `'instance'` and a `:instance` path parameter, the guard loads the instance and
 * applies the ownership rules of D4 before the handler runs.
 */
export function Auth(...kinds: PrincipalKind[]): MethodDecorator & ClassDecorator {
  const decorators: Array<ClassDecorator | MethodDecorator> = [SetMetadata(AUTH_KINDS, kinds)];
  if (kinds.includes('admin')) {
    decorators.push(ApiSecurity(SECURITY_SCHEMES.admin));
  }
  if (kinds.some((k) => k !== 'admin')) {
    decorators.push(
      ApiSecurity(SECURITY_SCHEMES.token),
      ApiSecurity(SECURITY_SCHEMES.bearer),
      ApiSecurity(SECURITY_SCHEMES.apikey),
    );
  }
  decorators.push(
    ApiErrors(MissingTokenError, InvalidTokenError, AccountDisabledError, RateLimitedError),
  );
  return applyDecorators(...decorators);
}

/** Marks a route that needs no token (health, docs). Deliberate: the guard denies everything else. */
export const Public = (): MethodDecorator & ClassDecorator => SetMetadata(IS_PUBLIC, true);

/**
 * Declares that `:param` names an instance (default `instance`): the guard resolves and
 * ownership-checks it (D4); OpenAPI gets the path parameter (a valid OpenAPI 3 document declares
 * every `{placeholder}`, issue 11) and the ownership errors.
 */
export function OwnsInstance(param = 'instance'): MethodDecorator & ClassDecorator {
  return applyDecorators(
    SetMetadata(INSTANCE_PARAM, param),
    ApiParam({
      name: param,
      description: 'The instance name (docs/API.md §1.1), percent-encoded',
      schema: { type: 'string', minLength: 1, maxLength: 100, example: 'sales' },
    }),
    ApiErrors(InstanceTokenMismatchError, InstanceNotOwnedError, InstanceNotFoundError),
  );
}

type RequestWithAuth = { wharf?: AuthenticatedRequestState };

/** The authenticated principal of the request. */
export const CurrentPrincipal = createParamDecorator(
  (_: unknown, ctx: ExecutionContext): Principal => {
    const request = ctx.switchToHttp().getRequest<RequestWithAuth>();
    const principal = request.wharf?.principal;
    if (!principal) throw new Error('CurrentPrincipal used on a route without @Auth');
    return principal;
  },
);

/** The `:instance` of the path, already loaded and ownership-checked by the guard. */
export const InstanceParam = createParamDecorator((_: unknown, ctx: ExecutionContext) => {
  const request = ctx.switchToHttp().getRequest<RequestWithAuth>();
  const instance = request.wharf?.instance;
  if (!instance) throw new Error('InstanceParam used on a route without @OwnsInstance');
  return instance;
});
