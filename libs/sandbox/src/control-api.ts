import type { IncomingMessage, ServerResponse } from 'node:http';

import type { ChatServer } from './chat-server';
import { SandboxError } from './errors';
import type { ControlBody, ControlRoute } from './feature';
import type { SandboxLogger } from './logger';

/** Bodies may carry base64 media for `POST /phones/:number/messages`. */
const MAX_BODY_BYTES = 24 * 1024 * 1024;

/**
 * The core routes of the control API: health, the saved state, phones, a phone's primary
 * going on or off the network, and network outages. Each feature adds its own routes
 * (features/*.ts, e.g. `/phones/:number/link` in pairing.ts). `:number` is the phone number,
 * digits only. Errors are `{ "error": "..." }` with 400, 404, 409 or 410.
 */
function coreRoutes(server: ChatServer): ControlRoute[] {
  return [
    { method: 'GET', pattern: /^\/health$/, run: () => ({ status: 'ok' }) },
    {
      // the whole sandbox as JSON, for startSandbox({ state }) or --state-file (persistence.ts)
      method: 'GET',
      pattern: /^\/state$/,
      run: () => server.exportState(),
    },
    {
      method: 'POST',
      pattern: /^\/phones$/,
      status: 201,
      run: (_params, body) => server.createPhone(body.number, body.name),
    },
    { method: 'GET', pattern: /^\/phones$/, run: () => server.listPhones() },
    {
      method: 'POST',
      pattern: /^\/phones\/([^/]+)\/disconnect$/,
      run: ([number]) => server.setPhoneOnline(number, false),
    },
    {
      method: 'POST',
      pattern: /^\/phones\/([^/]+)\/connect$/,
      run: ([number]) => server.setPhoneOnline(number, true),
    },
    {
      method: 'POST',
      pattern: /^\/network\/drop$/,
      run: (_params, body) => server.dropNetwork(body.ms),
    },
  ];
}

function readBody(req: IncomingMessage): Promise<ControlBody> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > MAX_BODY_BYTES) {
        reject(new SandboxError(400, 'request body too large'));
        req.destroy();
        return;
      }
      chunks.push(chunk);
    });
    req.on('error', reject);
    req.on('end', () => {
      const text = Buffer.concat(chunks).toString('utf8').trim();
      if (!text) {
        resolve({});
        return;
      }
      try {
        const parsed: unknown = JSON.parse(text);
        if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
          reject(new SandboxError(400, 'request body must be a JSON object'));
          return;
        }
        resolve(parsed as ControlBody);
      } catch {
        reject(new SandboxError(400, 'request body is not valid JSON'));
      }
    });
  });
}

function sendJson(res: ServerResponse, status: number, payload: unknown): void {
  const body = JSON.stringify(payload);
  res.writeHead(status, {
    'content-type': 'application/json; charset=utf-8',
    'content-length': Buffer.byteLength(body),
  });
  res.end(body);
}

/** Builds the request listener of the control API: the core routes and the features'. */
export function createControlApi(
  server: ChatServer,
  logger: SandboxLogger,
): (req: IncomingMessage, res: ServerResponse) => void {
  const routes = [...coreRoutes(server), ...server.featureRoutes];
  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const url = new URL(req.url ?? '/', 'http://sandbox');
    const path = url.pathname.replace(/\/+$/, '') || '/';
    const matching = routes.filter((route) => route.pattern.test(path));
    const route = matching.find((candidate) => candidate.method === req.method);
    if (!route) {
      sendJson(res, matching.length ? 405 : 404, {
        error: matching.length ? `method ${req.method} not allowed` : `no route ${path}`,
      });
      return;
    }
    try {
      const body = req.method === 'POST' ? await readBody(req) : {};
      const params = (route.pattern.exec(path) ?? []).slice(1).map(decodeURIComponent);
      const result = await route.run(params, body, url.searchParams);
      sendJson(res, route.status ?? 200, result);
    } catch (err) {
      if (err instanceof SandboxError) {
        sendJson(res, err.status, { error: err.message });
        return;
      }
      logger.error(
        { err: err instanceof Error ? err.message : String(err), path },
        'control error',
      );
      sendJson(res, 500, { error: 'internal sandbox error' });
    }
  };
  return (req, res) => {
    void handle(req, res);
  };
}
