import type { IncomingMessage, ServerResponse } from 'node:http';

import type { ChatServer } from './chat-server';
import { SandboxError } from './errors';
import type { SandboxLogger } from './logger';

/** Bodies may carry base64 media for `POST /phones/:number/messages`. */
const MAX_BODY_BYTES = 24 * 1024 * 1024;

type Body = Record<string, unknown>;

interface Route {
  method: 'GET' | 'POST';
  pattern: RegExp;
  status?: number;
  run: (server: ChatServer, params: string[], body: Body, query: URLSearchParams) => unknown;
}

/**
 * Routes of the control API (JSON in and out). `:number` is the phone number, digits only.
 * Errors are `{ "error": "..." }` with 400, 404, 409 or 410.
 */
const ROUTES: Route[] = [
  { method: 'GET', pattern: /^\/health$/, run: () => ({ status: 'ok' }) },
  {
    // the whole sandbox as JSON, for startSandbox({ state }) or --state-file (persistence.ts)
    method: 'GET',
    pattern: /^\/state$/,
    run: (server) => server.exportState(),
  },
  {
    method: 'POST',
    pattern: /^\/phones$/,
    status: 201,
    run: (server, _params, body) => server.createPhone(body.number, body.name),
  },
  { method: 'GET', pattern: /^\/phones$/, run: (server) => server.listPhones() },
  {
    method: 'POST',
    pattern: /^\/phones\/([^/]+)\/link$/,
    run: (server, [number], body) => server.linkByQr(number, body.qr),
  },
  {
    method: 'POST',
    pattern: /^\/phones\/([^/]+)\/pair$/,
    run: (server, [number], body) => server.pairWithCode(number, body.code),
  },
  {
    method: 'POST',
    pattern: /^\/phones\/([^/]+)\/unlink$/,
    run: (server, [number], body) => server.unlink(number, body.device),
  },
  {
    method: 'POST',
    pattern: /^\/phones\/([^/]+)\/call$/,
    status: 201,
    run: (server, [number], body) => server.call(number, body.to),
  },
  {
    method: 'GET',
    pattern: /^\/phones\/([^/]+)\/calls$/,
    run: (server, [number]) => server.listCalls(number),
  },
  {
    // body: { to, text, replyTo? } | { to, location } | { to, contacts } | { to, reaction }
    //     | { to, poll } | { to, pollVote } | { to, edit } | { to, revoke }
    //     | { to, image|video|audio|document|sticker: { data (base64), mimetype?, fileName?,
    //         caption?, ptt? } }  →  201 { messageId }
    method: 'POST',
    pattern: /^\/phones\/([^/]+)\/messages$/,
    status: 201,
    run: (server, [number], body) => server.sendFromPhone(number, body),
  },
  {
    // ?chat=<number or JID>  →  { messages: [...], receipts: [...] }
    method: 'GET',
    pattern: /^\/phones\/([^/]+)\/messages$/,
    run: (server, [number], _body, query) =>
      server.phoneMessages(number, query.get('chat') ?? undefined),
  },
  {
    // →  { mimetype, size, base64 } (decrypted bytes of a received media message)
    method: 'GET',
    pattern: /^\/phones\/([^/]+)\/messages\/([^/]+)\/media$/,
    run: (server, [number, messageId]) => server.phoneMedia(number, messageId),
  },
  {
    method: 'POST',
    pattern: /^\/phones\/([^/]+)\/read$/,
    run: (server, [number], body) =>
      server.receiptsFromPhone(number, body.chat, body.messageIds, 'read'),
  },
  {
    method: 'POST',
    pattern: /^\/phones\/([^/]+)\/play$/,
    run: (server, [number], body) =>
      server.receiptsFromPhone(number, body.chat, body.messageIds, 'played'),
  },
  {
    method: 'POST',
    pattern: /^\/phones\/([^/]+)\/disconnect$/,
    run: (server, [number]) => server.setPhoneOnline(number, false),
  },
  {
    method: 'POST',
    pattern: /^\/phones\/([^/]+)\/connect$/,
    run: (server, [number]) => server.setPhoneOnline(number, true),
  },
  {
    // body: { owner, subject, participants: [numbers or JIDs] }  →  201 { jid, subject, ... }
    method: 'POST',
    pattern: /^\/groups$/,
    status: 201,
    run: (server, _params, body) => server.createGroup(body.owner, body.subject, body.participants),
  },
  {
    method: 'POST',
    pattern: /^\/network\/drop$/,
    run: (server, _params, body) => server.dropNetwork(body.ms),
  },
];

function readBody(req: IncomingMessage): Promise<Body> {
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
        resolve(parsed as Body);
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

/** Builds the request listener of the control API around a chat server. */
export function createControlApi(
  server: ChatServer,
  logger: SandboxLogger,
): (req: IncomingMessage, res: ServerResponse) => void {
  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const url = new URL(req.url ?? '/', 'http://sandbox');
    const path = url.pathname.replace(/\/+$/, '') || '/';
    const matching = ROUTES.filter((route) => route.pattern.test(path));
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
      const result = await route.run(server, params, body, url.searchParams);
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
