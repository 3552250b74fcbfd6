import { randomUUID } from 'node:crypto';

import { Inject, Injectable, Logger, OnApplicationShutdown, OnModuleInit } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { DomainError } from '@wharf/common/errors';
import { toDomainError } from '@wharf/common/errors/all-exceptions.filter';
import { REDIS } from '@wharf/common/redis/redis.module';
import type { AllConfig } from '@wharf/config';
import type Redis from 'ioredis';

import { SessionOwnedElsewhereError } from './session-errors';

/**
 * What crosses the relay: a lifecycle command of the session provider (`connect`, `reconnect`,
 * `logout`, `forget`: stop and log out before the instance is deleted, issue 11) or the name of
 * a registered session command (`'<facet>.<operation>'`, `session-commands.ts`).
 */
export type SessionCommand = string;

interface CommandMessage {
  id: string;
  replyTo: string;
  op: SessionCommand;
  instanceId: string;
  args: Record<string, unknown>;
}

interface ReplyMessage {
  id: string;
  ok: boolean;
  result?: unknown;
  error?: { status: number; code: string; message: string };
}

export type CommandHandler = (
  op: SessionCommand,
  instanceId: string,
  args: Record<string, unknown>,
) => Promise<unknown>;

/**
 * Routes session commands to the process that owns the session (docs/ARCHITECTURE.md, scale-out):
 * a request that reaches a process without the socket is sent to the owner's Redis channel, run
 * there, and answered on the caller's channel. Errors travel back as their D2 envelope (status,
 * code, message; `toDomainError` on the owner) and are rethrown as a DomainError; no answer
 * within the timeout is 409 `SessionOwnedElsewhereError`. Results are JSON: a command with a
 * binary result encodes it (`session-commands.ts`, base64 up to RELAY_MEDIA_MAX_BYTES).
 */
@Injectable()
export class SessionCommandRelay implements OnModuleInit, OnApplicationShutdown {
  private readonly logger = new Logger(SessionCommandRelay.name);
  private subscriber?: Redis;
  private handler?: CommandHandler;
  private ownerId = '';
  private readonly pending = new Map<string, (reply: ReplyMessage) => void>();

  constructor(
    @Inject(REDIS) private readonly redis: Redis,
    private readonly config: ConfigService<AllConfig, true>,
  ) {}

  private channel(ownerId: string): string {
    return `${this.config.get('redis.keyPrefix', { infer: true })}session:commands:${ownerId}`;
  }

  /** Starts serving commands for `ownerId` (this process's lease owner id) with `handler`. */
  serve(ownerId: string, handler: CommandHandler): void {
    this.ownerId = ownerId;
    this.handler = handler;
  }

  async onModuleInit(): Promise<void> {
    // The owner id is set by the session provider's constructor, which runs before this hook.
    this.subscriber = this.redis.duplicate({
      enableOfflineQueue: true,
      maxRetriesPerRequest: null,
    });
    this.subscriber.on('error', () => undefined);
    this.subscriber.on('message', (_channel: string, raw: string) => void this.onMessage(raw));
    await this.subscriber.subscribe(this.channel(this.ownerId)).catch((error: unknown) => {
      this.logger.warn(`Session command channel unavailable: ${(error as Error).message}`);
    });
  }

  async onApplicationShutdown(): Promise<void> {
    await this.subscriber?.quit().catch(() => this.subscriber?.disconnect());
  }

  /**
   * Runs `op` on the process `ownerId` and returns its result.
   * @throws the owner's DomainError, or SessionOwnedElsewhereError when it does not answer in time
   */
  async send(
    ownerId: string,
    op: SessionCommand,
    instanceId: string,
    args: Record<string, unknown>,
    timeoutMs: number,
  ): Promise<unknown> {
    const message: CommandMessage = {
      id: randomUUID(),
      replyTo: this.ownerId,
      op,
      instanceId,
      args,
    };
    const reply = await new Promise<ReplyMessage | null>((resolve) => {
      const timer = setTimeout(() => {
        this.pending.delete(message.id);
        resolve(null);
      }, timeoutMs);
      this.pending.set(message.id, (answer) => {
        clearTimeout(timer);
        this.pending.delete(message.id);
        resolve(answer);
      });
      this.redis.publish(this.channel(ownerId), JSON.stringify(message)).then(
        (receivers) => {
          if (receivers === 0) this.pending.get(message.id)?.({ id: message.id, ok: false });
        },
        () => this.pending.get(message.id)?.({ id: message.id, ok: false }),
      );
    });
    if (!reply || (!reply.ok && !reply.error)) throw new SessionOwnedElsewhereError();
    if (!reply.ok && reply.error) {
      throw new DomainError(reply.error.status, reply.error.code, reply.error.message);
    }
    return reply.result;
  }

  private async onMessage(raw: string): Promise<void> {
    let parsed: CommandMessage | ReplyMessage;
    try {
      parsed = JSON.parse(raw) as CommandMessage | ReplyMessage;
    } catch {
      return;
    }
    if (!('op' in parsed)) {
      this.pending.get(parsed.id)?.(parsed);
      return;
    }
    const command = parsed;
    let reply: ReplyMessage;
    try {
      if (!this.handler) throw new SessionOwnedElsewhereError();
      reply = {
        id: command.id,
        ok: true,
        result: await this.handler(command.op, command.instanceId, command.args),
      };
    } catch (error) {
      // Any error becomes the D2 envelope the caller rethrows (engine errors included).
      const domain = toDomainError(error);
      reply = {
        id: command.id,
        ok: false,
        error: { status: domain.status, code: domain.code, message: domain.message },
      };
      if (Number(domain.status) >= 500)
        this.logger.error(`Relayed ${command.op} failed: ${(error as Error).message}`);
    }
    await this.redis
      .publish(this.channel(command.replyTo), JSON.stringify(reply))
      .catch(() => undefined);
  }
}
