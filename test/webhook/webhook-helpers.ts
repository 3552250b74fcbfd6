/** Helpers of the webhook e2e tests: receivers, the burst publisher. */
import { ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, IncomingMessage, Server, ServerResponse } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { Webhook as StandardWebhook } from 'standardwebhooks';

import { freePort } from '../support/process';
import { waitUntil } from '../support/wait';
import type { WharfHandle } from '../support/wharf';

export interface ReceivedRequest {
  method: string;
  path: string;
  headers: Record<string, string>;
  body: string;
  json: any;
  at: number;
}

export interface Reply {
  status: number;
  headers?: Record<string, string>;
  /** Wait this long before answering, ms. */
  delayMs?: number;
}

export interface Receiver {
  url: string;
  port: number;
  requests: ReceivedRequest[];
  /** How to answer the next requests (default 200). */
  reply: (request: ReceivedRequest) => Reply;
  /** webhook-id values received, with how many times each arrived. */
  ids(): Map<string, number>;
  /** Stops listening (connections are then refused); `start()` listens again on the same port. */
  stop(): Promise<void>;
  start(): Promise<void>;
}

/** A local HTTP server that records every request (loopback: Wharf needs ALLOW_PRIVATE_TARGETS). */
export async function startReceiver(port?: number): Promise<Receiver> {
  const requests: ReceivedRequest[] = [];
  let server: Server | undefined;
  const receiver: Receiver = {
    url: '',
    port: port ?? (await freePort()),
    requests,
    reply: () => ({ status: 200 }),
    ids() {
      const counts = new Map<string, number>();
      for (const r of requests) {
        const id = r.headers['webhook-id'];
        if (id) counts.set(id, (counts.get(id) ?? 0) + 1);
      }
      return counts;
    },
    async stop() {
      const s = server;
      server = undefined;
      if (!s) return;
      s.closeAllConnections();
      await new Promise<void>((resolve) => s.close(() => resolve()));
    },
    async start() {
      if (server) return;
      const s = createServer((req: IncomingMessage, res: ServerResponse) => {
        const chunks: Buffer[] = [];
        req.on('data', (c: Buffer) => chunks.push(c));
        req.on('end', () => {
          const body = Buffer.concat(chunks).toString('utf8');
          let json: unknown;
          try {
            json = JSON.parse(body);
          } catch {
            json = undefined;
          }
          const headers: Record<string, string> = {};
          for (const [k, v] of Object.entries(req.headers))
            headers[k] = Array.isArray(v) ? v.join(', ') : String(v);
          const request = {
            method: req.method ?? '',
            path: req.url ?? '',
            headers,
            body,
            json,
            at: Date.now(),
          };
          requests.push(request);
          const reply = receiver.reply(request);
          const answer = () => {
            res.writeHead(reply.status, reply.headers);
            res.end('ok');
          };
          if (reply.delayMs) setTimeout(answer, reply.delayMs);
          else answer();
        });
      });
      await new Promise<void>((resolve, reject) => {
        s.once('error', reject);
        s.listen(receiver.port, '127.0.0.1', () => resolve());
      });
      server = s;
    },
  };
  receiver.url = `http://127.0.0.1:${receiver.port}`;
  await receiver.start();
  return receiver;
}

/** Verifies a delivery with the standardwebhooks package; throws when the signature is wrong. */
export function verifyDelivery(secret: string, request: ReceivedRequest): unknown {
  return new StandardWebhook(secret).verify(request.body, {
    'webhook-id': request.headers['webhook-id'],
    'webhook-timestamp': request.headers['webhook-timestamp'],
    'webhook-signature': request.headers['webhook-signature'],
  });
}

export interface PublishSpec {
  instances: Array<{ id: string; name: string }>;
  count: number;
  event?: string;
  concurrency?: number;
  /** Wait until this many delivery rows exist for the published events. */
  expectedDeliveries?: number;
}

/** A running publisher process; `done` resolves with the published event ids. */
export interface Publisher {
  child: ChildProcess;
  done: Promise<string[]>;
}

/**
 * Publishes events through EventsService.publish of the built app, from a separate process that
 * shares Wharf's database, Redis and keys (test/webhook/publish-events.js).
 */
export function publishEvents(wharf: WharfHandle, spec: PublishSpec): Publisher {
  const dir = mkdtempSync(join(tmpdir(), 'wharf-publish-'));
  const specFile = join(dir, 'spec.json');
  const outFile = join(dir, 'out.json');
  writeFileSync(specFile, JSON.stringify(spec));
  const child = spawn(process.execPath, [join(__dirname, 'publish-events.js'), specFile, outFile], {
    env: {
      PATH: process.env.PATH ?? '',
      ...wharf.env,
      PORT: '0',
      WEBHOOK_DELIVERY_CONCURRENCY: '0',
      WEBHOOK_SWEEP_INTERVAL_MS: '86400000',
      LOG_LEVEL: 'silent',
    },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let stderr = '';
  child.stderr?.on('data', (c: Buffer) => (stderr += c.toString()));
  const done = new Promise<string[]>((resolve, reject) => {
    child.once('exit', (code) => {
      try {
        if (code !== 0) throw new Error(`publisher exited with ${code}:\n${stderr}`);
        resolve((JSON.parse(readFileSync(outFile, 'utf8')) as { eventIds: string[] }).eventIds);
      } catch (error) {
        reject(error instanceof Error ? error : new Error(String(error)));
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    });
  });
  return { child, done };
}

/** `waitUntil` typed for checks that return `undefined` (or `false`) until ready. */
export async function eventually<T>(
  what: string,
  check: () => Promise<T | undefined | false> | T | undefined | false,
  timeoutMs = 15_000,
): Promise<T> {
  return (await waitUntil(what, check, timeoutMs)) as T;
}
