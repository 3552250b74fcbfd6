import type { IncomingMessage, Server } from 'node:http';
import { STATUS_CODES } from 'node:http';
import type { Duplex } from 'node:stream';

import { MikroORM, RequestContext } from '@mikro-orm/core';
import {
  BeforeApplicationShutdown,
  HttpStatus,
  Injectable,
  Logger,
  OnApplicationBootstrap,
} from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { HttpAdapterHost } from '@nestjs/core';
import { AuthService } from '@wharf/common/auth/auth.service';
import { AuthFailureLimiter } from '@wharf/common/auth/auth-failure-limiter';
import { extractToken } from '@wharf/common/auth/token-extractor';
import {
  DomainError,
  errorEnvelope,
  InvalidTokenError,
  RateLimitedError,
} from '@wharf/common/errors';
import { unstorableFieldError } from '@wharf/common/http/edge-errors';
import { isStorableText } from '@wharf/common/http/input-hygiene';
import { requestId } from '@wharf/common/http/request-id';
import { RateLimitService } from '@wharf/common/rate-limit/rate-limit.service';
import type { AllConfig } from '@wharf/config';
import type { EventEnvelope } from '@wharf/modules/events/event-envelope';
import { EventFanoutService } from '@wharf/modules/events/event-fanout.service';
import { MediaStoreService } from '@wharf/modules/media/media-store.service';
import { WebSocket, WebSocketServer } from 'ws';

import { WebsocketConfig } from './entities/websocket-config.entity';

const WS_PATH = /^\/ws\/([^/?#]+)\/?$/;

/** One connected stream client. */
interface StreamClient {
  socket: WebSocket;
  instanceId: string;
  /** Event names to send; empty = all six (snapshot of the config at upgrade). */
  events: string[];
  mediaBase64: boolean;
  missedPongs: number;
  /** Frames of a `mediaBase64` client wait here for their media, so the order is kept. */
  queue?: Promise<void>;
}

/** 401 of §1.2 for the upgrade, where the token may also come in the query string (D8). */
class MissingStreamTokenError extends DomainError {
  constructor() {
    super(
      HttpStatus.UNAUTHORIZED,
      'MISSING_TOKEN',
      'Missing token in header, Authorization header, or query parameter',
    );
  }
}

/** 400 of D8 when the instance's WebSocket config is missing or disabled. */
class WebsocketNotEnabledError extends DomainError {
  constructor(name: string) {
    super(
      HttpStatus.BAD_REQUEST,
      'WEBSOCKET_NOT_ENABLED',
      `WebSocket is not enabled for this instance. Configure it first using POST /api/events/websocket/${name}`,
    );
  }
}

/**
 * `GET /ws/:instance` (docs/API.md §2.4, §3.9, D8). The upgrade is authenticated like any route
 * (token header, Bearer or `?token=`), counted by the rate limiter, ownership-checked, and
 * refused before the upgrade with the JSON envelope. Frames are D7 envelopes filtered by the
 * config's `events`, from whichever process produced them (Redis fan-out). The server pings
 * every WS_HEARTBEAT_MS; a client that misses two pongs is terminated; shutdown closes with 1001.
 */
@Injectable()
export class EventStreamGateway implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger(EventStreamGateway.name);
  private readonly wss = new WebSocketServer({ noServer: true, maxPayload: 64 * 1024 });
  private readonly clients = new Map<string, Set<StreamClient>>();
  private heartbeat?: NodeJS.Timeout;
  private unsubscribe?: () => void;
  private server?: Server;
  private readonly onUpgrade = (request: IncomingMessage, socket: Duplex, head: Buffer) =>
    void this.upgrade(request, socket, head).catch((error: unknown) => {
      this.logger.error(`WebSocket upgrade failed: ${(error as Error).message}`);
      this.refuse(
        socket,
        new DomainError(
          HttpStatus.INTERNAL_SERVER_ERROR,
          'INTERNAL_ERROR',
          'Internal server error',
        ),
        request,
      );
    });

  constructor(
    private readonly adapterHost: HttpAdapterHost,
    private readonly orm: MikroORM,
    private readonly auth: AuthService,
    private readonly failures: AuthFailureLimiter,
    private readonly limiter: RateLimitService,
    private readonly fanout: EventFanoutService,
    private readonly config: ConfigService<AllConfig, true>,
    private readonly media: MediaStoreService,
  ) {}

  onApplicationBootstrap(): void {
    this.server = this.adapterHost.httpAdapter.getHttpServer() as Server;
    this.server.on('upgrade', this.onUpgrade);
    this.unsubscribe = this.fanout.subscribe(({ instanceId, envelope }) =>
      this.broadcast(instanceId, envelope),
    );
    this.heartbeat = setInterval(
      () => this.ping(),
      this.config.get('app.wsHeartbeatMs', { infer: true }),
    );
  }

  beforeApplicationShutdown(): void {
    clearInterval(this.heartbeat);
    this.unsubscribe?.();
    this.server?.off('upgrade', this.onUpgrade);
    for (const set of this.clients.values())
      for (const client of set) client.socket.close(1001, 'Server shutting down');
    this.clients.clear();
  }

  /** Number of open streams of an instance in this process (metrics, tests). */
  openStreams(instanceId: string): number {
    return this.clients.get(instanceId)?.size ?? 0;
  }

  private async upgrade(request: IncomingMessage, socket: Duplex, head: Buffer): Promise<void> {
    const url = new URL(request.url ?? '/', 'http://wharf.invalid');
    const match = WS_PATH.exec(url.pathname);
    if (!match) {
      this.refuse(
        socket,
        new DomainError(HttpStatus.NOT_FOUND, 'ROUTE_NOT_FOUND', 'Route not found'),
        request,
      );
      return;
    }
    let name: string;
    try {
      name = decodeURIComponent(match[1]);
    } catch {
      this.refuse(
        socket,
        new DomainError(HttpStatus.NOT_FOUND, 'ROUTE_NOT_FOUND', 'Route not found'),
        request,
      );
      return;
    }
    // As on HTTP routes: a name no database can hold is refused before it reaches one.
    if (!isStorableText(name))
      return this.refuse(socket, unstorableFieldError('instance'), request);
    const address = request.socket.remoteAddress ?? 'unknown';
    const source = { headers: request.headers, query: Object.fromEntries(url.searchParams) };
    const outcome = await this.limiter.consume(source, address, undefined, true);
    const headers: Record<string, string> = { ...(outcome.headers ?? {}) };
    if (outcome.rejection) return this.refuse(socket, outcome.rejection, request, headers);

    const token = extractToken(source, true);
    if (!token) return this.refuse(socket, new MissingStreamTokenError(), request, headers);
    let config: WebsocketConfig | null;
    let instanceId: string;
    try {
      ({ config, instanceId } = await RequestContext.create(this.orm.em, async () => {
        const principal = await this.auth.resolve(token, ['account', 'instance']);
        if (!principal) {
          // The failure limit refuses guesses only, never a valid token (D5).
          const blocked = await this.failures.blockedFor(address);
          if (blocked.seconds > 0) {
            Object.assign(headers, blocked.headers);
            throw new RateLimitedError(blocked.seconds, 'AUTH_RATE_LIMITED');
          }
          await this.failures.recordFailure(address);
          throw new InvalidTokenError();
        }
        const instance = await this.auth.ownedInstance(principal, name);
        return {
          instanceId: instance.id,
          config: await this.orm.em.findOne(WebsocketConfig, { instance: instance.id }),
        };
      }));
    } catch (error) {
      if (error instanceof DomainError) return this.refuse(socket, error, request, headers);
      throw error;
    }
    if (!config?.enabled)
      return this.refuse(socket, new WebsocketNotEnabledError(name), request, headers);

    const events = [...config.events];
    const mediaBase64 = config.mediaBase64;
    this.wss.handleUpgrade(request, socket, head, (ws) =>
      this.register(ws, instanceId, events, mediaBase64),
    );
  }

  private register(
    socket: WebSocket,
    instanceId: string,
    events: string[],
    mediaBase64: boolean,
  ): void {
    const client: StreamClient = { socket, instanceId, events, mediaBase64, missedPongs: 0 };
    const set = this.clients.get(instanceId) ?? new Set<StreamClient>();
    set.add(client);
    this.clients.set(instanceId, set);
    socket.on('pong', () => (client.missedPongs = 0));
    socket.on('error', () => socket.terminate());
    socket.on('close', () => {
      set.delete(client);
      if (set.size === 0 && this.clients.get(instanceId) === set) this.clients.delete(instanceId);
    });
  }

  private broadcast(instanceId: string, envelope: EventEnvelope): void {
    const set = this.clients.get(instanceId);
    if (!set) return;
    let plain: string | undefined;
    let withMedia: Promise<string> | undefined;
    for (const client of set) {
      if (client.events.length > 0 && !client.events.includes(envelope.event)) continue;
      if (client.socket.readyState !== WebSocket.OPEN) continue;
      if (!client.mediaBase64) {
        client.socket.send((plain ??= JSON.stringify(withoutBase64(envelope))));
        continue;
      }
      // docs/API.md §2.4: `media.base64` from the media store (D15) for configs with mediaBase64.
      withMedia ??= this.withBase64(instanceId, envelope);
      const frame = withMedia;
      client.queue = (client.queue ?? Promise.resolve())
        .then(() => frame)
        .then((text) => {
          if (client.socket.readyState === WebSocket.OPEN) client.socket.send(text);
        })
        .catch((error: unknown) => {
          this.logger.warn(`Stream frame not sent: ${(error as Error).message}`);
        });
    }
  }

  /** The frame of a `mediaBase64` client: the envelope with the stored media as base64. */
  private async withBase64(instanceId: string, envelope: EventEnvelope): Promise<string> {
    if (envelope.event !== 'message.exchange') return JSON.stringify(envelope);
    const data = await this.media.withBase64(instanceId, envelope.data).catch(() => envelope.data);
    return JSON.stringify({ ...envelope, data });
  }

  private ping(): void {
    for (const set of this.clients.values()) {
      for (const client of set) {
        if (client.missedPongs >= 2) {
          client.socket.terminate();
          continue;
        }
        client.missedPongs += 1;
        client.socket.ping();
      }
    }
  }

  /** Answers the upgrade request with a plain HTTP error in the D2 envelope and closes. */
  private refuse(
    socket: Duplex,
    error: DomainError,
    request: IncomingMessage,
    headers: Record<string, string> = {},
  ): void {
    if (!socket.writable) return;
    const body = JSON.stringify(errorEnvelope(error.message, error.code, error.details));
    const lines = [
      `HTTP/1.1 ${error.status} ${STATUS_CODES[error.status] ?? 'Error'}`,
      'Content-Type: application/json; charset=utf-8',
      `Content-Length: ${Buffer.byteLength(body)}`,
      `X-Request-Id: ${requestId(request)}`,
      ...Object.entries({ ...headers, ...(error.headers ?? {}) }).map(
        ([name, value]) => `${name}: ${value}`,
      ),
      'Connection: close',
    ];
    socket.end(`${lines.join('\r\n')}\r\n\r\n${body}`);
  }
}

/** The envelope without `media.base64` (for streams whose config has `mediaBase64: false`). */
function withoutBase64(envelope: EventEnvelope): EventEnvelope {
  const message = (envelope.data as { message?: { media?: { base64?: unknown } | null } }).message;
  if (!message?.media || message.media.base64 === undefined) return envelope;
  const { base64: _base64, ...media } = message.media;
  return { ...envelope, data: { ...envelope.data, message: { ...message, media } } };
}
