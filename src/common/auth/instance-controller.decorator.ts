import { applyDecorators, Controller } from '@nestjs/common';
import { PATH_METADATA } from '@nestjs/common/constants';
import { ApiTags } from '@nestjs/swagger';

import { Auth, AUTH_KINDS, INSTANCE_PARAM, IS_PUBLIC, OwnsInstance } from './auth.decorator';
import type { PrincipalKind } from './principal';

/** Options of {@link InstanceController}. */
export interface InstanceControllerOptions {
  /** The OpenAPI tag of every route (`Instance`, `Chat`, `Events`, …). */
  tag: string;
  /**
   * Principal kinds of every route that has no `@Auth(...)` or `@Public()` of its own (a route's
   * own decorator wins, e.g. `@Auth('account')` on instance deletion). Default: account and
   * instance tokens, the rule of every instance-scoped route of docs/API.md (D3, D4).
   */
  auth?: PrincipalKind[];
  /** The path parameter that names the instance (default `instance`). */
  param?: string;
}

const DEFAULT_KINDS: PrincipalKind[] = ['account', 'instance'];

/** Whether `path` holds the placeholder `:param` as one whole segment. */
function hasPlaceholder(path: string, param: string): boolean {
  return path.split('/').includes(`:${param}`);
}

/**
 * The class decorator of a controller whose routes act on one instance (docs/CONVENTIONS.md §2–3,
 * issue 12 §6): `@Controller(path)`, `@ApiTags(tag)`, and on every route handler
 * `@Auth(...kinds)` (unless the route declares its own `@Auth` or `@Public`) and, when the route
 * path has the `:instance` placeholder, `@OwnsInstance()` — the guard loads and ownership-checks
 * the instance (D4) and the handler reads it with `@InstanceParam()`.
 *
 * The route decorators are applied per handler, exactly as if written on each method, so the
 * guard and the OpenAPI document see the same metadata as before (class-level responses would be
 * overwritten by a route's own response of the same status). Route aliases are route arrays
 * (`@Post(['button/:instance', 'buttons/:instance'])`); every alias must carry the placeholder.
 *
 * @throws Error at class definition when a route mixes paths with and without `:instance`.
 */
export function InstanceController(
  path: string,
  options: InstanceControllerOptions,
): ClassDecorator {
  const kinds = options.auth ?? DEFAULT_KINDS;
  const param = options.param ?? 'instance';
  return (target) => {
    const prototype = (target as unknown as { prototype: object }).prototype;
    for (const key of Object.getOwnPropertyNames(prototype)) {
      if (key === 'constructor') continue;
      const descriptor = Object.getOwnPropertyDescriptor(prototype, key);
      const handler: unknown = descriptor?.value;
      if (!descriptor || typeof handler !== 'function') continue;
      const routePaths = Reflect.getMetadata(PATH_METADATA, handler) as
        string | string[] | undefined;
      if (routePaths === undefined) continue;
      const paths = Array.isArray(routePaths) ? routePaths : [routePaths];
      const scoped = paths.filter((p) => hasPlaceholder(p, param));
      if (scoped.length > 0 && scoped.length < paths.length) {
        throw new Error(
          `${target.name}.${key}: every alias of an instance-scoped route needs ':${param}' (${paths.join(', ')})`,
        );
      }
      // Stacked `@Auth(...) @OwnsInstance()` apply OwnsInstance first; keep that order.
      if (scoped.length > 0 && !Reflect.hasMetadata(INSTANCE_PARAM, handler)) {
        OwnsInstance(param)(prototype, key, descriptor);
      }
      if (!Reflect.hasMetadata(AUTH_KINDS, handler) && !Reflect.hasMetadata(IS_PUBLIC, handler)) {
        Auth(...kinds)(prototype, key, descriptor);
      }
    }
    applyDecorators(Controller(path), ApiTags(options.tag))(target);
  };
}
