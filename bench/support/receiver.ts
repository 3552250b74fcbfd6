/**
 * The local webhook receiver of the benchmarks: a keep-alive HTTP server answering 200 at once,
 * recording for each delivery its arrival time and the event's time. Wharf's `eventId` is a
 * UUIDv7 made when the event log row is created, so its first 48 bits are the event's time in
 * ms since the epoch (same machine clock): event-to-receiver latency needs no extra field.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/** Milliseconds since the epoch encoded in a UUIDv7. */
export function uuidv7Time(id: string): number {
  return parseInt(id.replace(/-/g, '').slice(0, 12), 16);
}

export interface Arrival {
  eventId: string;
  /** Date.now() when the body was complete. */
  at: number;
  /** `at` − the event's time, ms. */
  latencyMs: number;
}

export interface BenchReceiver {
  url: string;
  arrivals: Arrival[];
  close(): Promise<void>;
}

/** Starts the receiver on a free loopback port. */
export async function startBenchReceiver(): Promise<BenchReceiver> {
  const arrivals: Arrival[] = [];
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const at = Date.now();
      try {
        const body = JSON.parse(Buffer.concat(chunks).toString('utf8')) as { eventId?: string };
        if (body.eventId)
          arrivals.push({ eventId: body.eventId, at, latencyMs: at - uuidv7Time(body.eventId) });
      } catch {
        // not an event: still answer 200
      }
      res.writeHead(200, { 'content-type': 'text/plain' });
      res.end('ok');
    });
  });
  server.keepAliveTimeout = 60_000;
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${port}`,
    arrivals,
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
