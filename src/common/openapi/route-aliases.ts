import type { OpenAPIObject } from '@nestjs/swagger';

type Operation = OpenAPIObject['paths'][string]['get'] & object;

/** `WebhookController_get[1]`: the `@nestjs/swagger` operation id of a route array's path 1. */
const ALIAS_OPERATION_ID = /^(.+)\[(\d+)\]$/;

const METHODS = ['get', 'put', 'post', 'delete', 'patch', 'options', 'head', 'trace'] as const;

/**
 * Documents route aliases (D22: "documented in OpenAPI as deprecated alternatives"). A route
 * written as a route array (`@Get(['getWebhook/:instance', 'webhook/:instance'])`, issue 12 §6)
 * gets one operation per path, with the operation ids `<Controller>_<method>[0]`, `[1]`, ….
 * The first path is the canonical one and keeps the plain id `<Controller>_<method>`; each
 * further path becomes a deprecated operation `<Controller>_<method>Alias` (`Alias2`, … after
 * the first) whose summary names the canonical route. Mutates `document`.
 */
export function documentRouteAliases(document: OpenAPIObject): void {
  const canonical = new Map<string, string>();
  const aliases: Array<{ path: string; method: string; base: string; index: number }> = [];
  for (const [path, item] of Object.entries(document.paths)) {
    for (const method of METHODS) {
      const operation = item[method];
      const match = operation?.operationId ? ALIAS_OPERATION_ID.exec(operation.operationId) : null;
      if (!operation || !match) continue;
      const [, base, index] = match;
      if (index === '0') {
        operation.operationId = base;
        canonical.set(base, `${method.toUpperCase()} ${path.replace(/\{(\w+)\}/g, ':$1')}`);
      } else {
        aliases.push({ path, method, base, index: Number(index) });
      }
    }
  }
  for (const { path, method, base, index } of aliases) {
    const item = document.paths[path] as Record<string, Operation>;
    item[method] = {
      ...item[method],
      operationId: `${base}Alias${index === 1 ? '' : index}`,
      summary: `Alias of ${canonical.get(base) ?? base} (D22)`,
      description: `Deprecated alternative path; same ${method === 'get' ? 'query' : 'body'}, answers and errors.`,
      deprecated: true,
    };
  }
}
