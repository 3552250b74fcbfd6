import { EntityManager } from '@mikro-orm/core';
import { Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { KeyedMutex } from '@wharf/common/concurrency/keyed-mutex';
import { SecretBox } from '@wharf/common/crypto';
import { InstanceNotFoundError } from '@wharf/common/errors';
import { REDACTED_PATHS } from '@wharf/common/http/logger.options';
import { MetricsRegistry } from '@wharf/common/metrics/metrics.registry';
import { RedisAvailability } from '@wharf/common/redis/redis-availability';
import type { AllConfig } from '@wharf/config';
import type { InstanceStateData } from '@wharf/modules/events/event-envelope';
import { EventsService } from '@wharf/modules/events/events.service';
import { Instance, type InstanceState } from '@wharf/modules/instance/entities/instance.entity';
import { ProxyService } from '@wharf/modules/proxy/proxy.service';
import { createProxyAgent, proxyUrl } from '@wharf/modules/proxy/proxy-agent';
import { ProxyRefusedError } from '@wharf/modules/proxy/proxy-errors';
import { SettingsService } from '@wharf/modules/settings/settings.service';
import { SANDBOX_MEDIA_CERT, SANDBOX_ROOT_PUBLIC_KEY } from '@wharf/sandbox';
import { WHARF_VERSION } from '@wharf/version';
import {
  type ConnectionEvent,
  createBaileysSession,
  type NumberLookup,
  toUserJid,
  type WhatsAppSession,
} from '@wharf/whatsapp';
import pino from 'pino';
import { Gauge } from 'prom-client';
import QRCode from 'qrcode';

import { claimFence, DatabaseAuthStateStore, hasSavedSession } from './database-auth-state.store';
import { SessionCredentials } from './entities/session-credentials.entity';
import { reconnectDelayMs } from './reconnect-policy';
import { type SessionCommand, SessionCommandRelay } from './session-command.relay';
import {
  isNotConnected,
  type SessionCommandArgs,
  type SessionCommandName,
  SessionCommandRegistry,
  type SessionCommandResult,
} from './session-commands';
import {
  ConnectTimeoutError,
  InstanceNotConnectedError,
  NoSavedSessionError,
  SessionOwnedElsewhereError,
} from './session-errors';
import {
  type SessionEvents,
  type SessionInstance,
  SessionSubscribers,
  type SessionTraffic,
} from './session-events';
import { type SessionLease, SessionLeaseService } from './session-lease.service';

export type {
  SessionEvents,
  SessionInstance,
  SessionTraffic,
  SessionTrafficListener,
  TrafficOwner,
} from './session-events';

/** What `connect` answers (D9). */
export type ConnectResult =
  | { kind: 'qr'; qrCode: string; qrCodeBase64: string }
  | { kind: 'pairing_code'; pairingCode: string }
  | { kind: 'connected' };

/** Commands of the provider itself that cross the relay; every other name is a session command. */
const LIFECYCLE_COMMANDS = new Set<SessionCommand>(['connect', 'reconnect', 'logout', 'forget']);

/** One live session owned by this process. */
interface ManagedSession {
  instanceId: string;
  name: string;
  session: WhatsAppSession;
  lease: SessionLease;
  store: DatabaseAuthStateStore;
  state: InstanceState;
  /** Consecutive failures without reaching `connected` (D10). */
  failures: number;
  renewTimer: NodeJS.Timeout;
  lastRenewAt: number;
  reconnectTimer?: NodeJS.Timeout;
  /** Event handling runs in order per session. */
  eventChain: Promise<void>;
  closed: boolean;
  /** The proxy host, checked again (D12) before every scheduled reconnect. */
  proxyHost?: string;
  /**
   * Settles at the socket's first outcome after it was opened: connected, disconnected, logged
   * out, banned, or closed by Wharf (readiness after a Redis outage waits for it).
   */
  firstOutcome: Promise<void>;
  reachedOutcome: () => void;
  /** Announced to `owned` subscribers (its socket started); a late subscriber hears of it. */
  announced?: boolean;
}

/**
 * The longest readiness waits, after a Redis outage, for the sessions it restored to reach their
 * first outcome (connected or failed), ms; past it the process says ready anyway.
 */
const RECOVERY_CONNECT_BOUND_MS = 30_000;

/**
 * The only owner of live WhatsApp sockets (docs/ARCHITECTURE.md, sessions): one per instance across
 * every Wharf process, guarded by a Redis lease with a fencing token (D20). It restores the
 * sessions that were connected on boot and takes over those whose owner died (staggered, D10),
 * reconnects with exponential backoff and jitter and stops after 20 failures in a row (D10),
 * never reconnects after logout or ban, and publishes `instance.state` on every transition (D7).
 */
@Injectable()
export class SessionProvider implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(SessionProvider.name);
  private readonly engineLogger: pino.Logger;
  private readonly sessions = new Map<string, ManagedSession>();
  private readonly subscribers = new SessionSubscribers();
  private readonly commands = new SessionCommandRegistry();
  private readonly locks = new KeyedMutex();
  private reconcileTimer?: NodeJS.Timeout;
  /** The reconcile pass running now, if any. */
  private reconcileRun?: Promise<void>;
  /** Another pass was asked for while one ran: it runs right after. */
  private reconcileAgain = false;
  private stopping = false;

  constructor(
    private readonly em: EntityManager,
    private readonly config: ConfigService<AllConfig, true>,
    private readonly box: SecretBox,
    private readonly leases: SessionLeaseService,
    private readonly events: EventsService,
    private readonly settings: SettingsService,
    private readonly proxies: ProxyService,
    private readonly relay: SessionCommandRelay,
    registry: MetricsRegistry,
    private readonly redisAvailability: RedisAvailability,
  ) {
    const sessions = this.sessions;
    new Gauge({
      name: 'wharf_sessions',
      help: 'WhatsApp sessions run by this process, by connection state',
      labelNames: ['state'],
      registers: [registry],
      collect() {
        this.reset();
        for (const managed of sessions.values()) this.inc({ state: managed.state });
      },
    });
    this.relay.serve(this.leases.ownerId, (op, instanceId, args) =>
      this.runRelayed(op, instanceId, args),
    );
    const level = this.config.get('app.logLevel', { infer: true });
    this.engineLogger = pino({ level, redact: { paths: REDACTED_PATHS, censor: '[redacted]' } });
  }

  onApplicationBootstrap(): void {
    const every = Math.max(
      1_000,
      Math.floor(this.config.get('session.leaseTtlMs', { infer: true }) / 3),
    );
    this.reconcileTimer = setInterval(() => {
      if (!this.reconcileRun) void this.reconcile();
    }, every);
    void this.reconcile();
    // Leases lapse in a Redis outage (or vanish with its data): take them back as soon as Redis
    // returns, not at the next tick; readiness waits for it (issue 11).
    this.redisAvailability.onRecovered('sessions', () => this.recoverAfterRedis());
  }

  async onApplicationShutdown(): Promise<void> {
    this.stopping = true;
    clearInterval(this.reconcileTimer);
    await Promise.allSettled(
      [...this.sessions.values()].map((managed) => this.close(managed, { release: true })),
    );
  }

  /**
   * Subscribes to `event` of every session this process owns ({@link SessionEvents}: delivered
   * in order per instance). Reactions live in the module that owns them (messaging ingestion,
   * call handling, profile, presence) and subscribe here. Returns the unsubscribe function.
   */
  on<K extends keyof SessionEvents>(event: K, listener: SessionEvents[K]): () => void {
    const off = this.subscribers.add(event, listener);
    // `owned` is a state as well as an event: a subscriber that comes after a session was
    // announced (module bootstrap order against an early restore) hears of it now, once.
    if (event === 'owned') {
      for (const managed of this.sessions.values())
        if (managed.announced) (listener as (id: string) => void)(managed.instanceId);
    }
    return off;
  }

  /** Whether this process runs the instance's socket now. */
  isLocal(instanceId: string): boolean {
    return this.sessions.has(instanceId);
  }

  /** The live session of an instance owned by this process, if any. */
  live(instanceId: string): WhatsAppSession | undefined {
    return this.sessions.get(instanceId)?.session;
  }

  /**
   * Runs the session command `name` (`'<facet>.<operation>'`, registered once in
   * `session-commands.ts`) on the instance's session: here when this process owns it, else on
   * the owning process over the Redis relay (docs/ARCHITECTURE.md, request path). `args` are JSON and
   * parsed by the command on the side that runs it.
   * @throws InstanceNotConnectedError (503) when no process runs the session or it is not
   *   connected (for commands that need it); the command's own errors: locally the engine's
   *   errors as thrown, relayed their D2 envelope as a DomainError; SessionOwnedElsewhereError
   *   (409) when the owner does not answer in the command's time; UnknownSessionCommandError,
   *   InvalidSessionCommandArgsError (400)
   */
  async run<K extends SessionCommandName>(
    instanceId: string,
    name: K,
    args: SessionCommandArgs<K>,
  ): Promise<SessionCommandResult<K>> {
    const definition = this.commands.get<K>(name);
    const local = this.sessions.get(instanceId);
    if (local) return this.commands.runLocal<K>(local.session, name, args);
    const owner = await this.otherOwner(instanceId);
    if (!owner) throw new InstanceNotConnectedError();
    const wire = await this.relay.send(owner, name, instanceId, args, definition.relayTimeoutMs);
    return definition.fromWire ? definition.fromWire(wire) : (wire as SessionCommandResult<K>);
  }

  /**
   * Asks WhatsApp which of `numbers` (digits, country code first) have an account (D13) with
   * `contacts.lookupNumbers` on whichever process owns the session.
   * @returns one answer per number in order, or `null` when no connected session could answer
   *   (not connected, owner gone or silent, or WhatsApp did not answer); callers then send as
   *   written.
   */
  async lookupNumbers(instanceId: string, numbers: string[]): Promise<NumberLookup[] | null> {
    try {
      return await this.run(instanceId, 'contacts.lookupNumbers', { numbers });
    } catch (error) {
      if (!isNotConnected(error))
        this.logger.warn(`Number lookup failed: ${(error as Error).message}`);
      return null;
    }
  }

  /**
   * `GET /api/instance/connect/:instance` (D9): starts a fresh client and waits for the first QR,
   * or for a pairing code when `phoneNumber` is given; an instance already connected answers so.
   * @throws ConnectTimeoutError (504) after CONNECT_TIMEOUT_MS, SessionOwnedElsewhereError (409)
   */
  async connect(instance: Instance, phoneNumber?: string, relayed = false): Promise<ConnectResult> {
    return this.withLock(instance.id, async () => {
      const existing = this.sessions.get(instance.id);
      if (existing?.session.state === 'connected') return { kind: 'connected' };
      const owner = existing || relayed ? null : await this.otherOwner(instance.id);
      if (owner) {
        const timeoutMs = this.config.get('session.connectTimeoutMs', { infer: true }) + 5_000;
        return (await this.relay.send(
          owner,
          'connect',
          instance.id,
          { phoneNumber },
          timeoutMs,
        )) as ConnectResult;
      }
      let lease = existing?.lease;
      if (existing) await this.close(existing, { release: false });
      lease ??= (await this.acquire(instance.id)) ?? undefined;
      if (!lease) {
        if (instance.state === 'connected') return { kind: 'connected' };
        throw new SessionOwnedElsewhereError();
      }
      const timeoutMs = this.config.get('session.connectTimeoutMs', { infer: true });
      let firstEvent: Promise<ConnectionEvent | null> = Promise.resolve(null);
      const managed = await this.open(instance, lease, {
        announce: false,
        beforeStart: (session) => {
          firstEvent = this.waitFor(
            session,
            timeoutMs,
            (event) =>
              ['qr_ready', 'connected'].includes(event.reason) ||
              ['loggedout', 'banned', 'disconnected'].includes(event.state),
          );
        },
      });
      const first = await firstEvent;
      if (!first) {
        await this.close(managed, { release: true });
        throw new ConnectTimeoutError();
      }
      if (first.state === 'connected') return { kind: 'connected' };
      if (first.reason !== 'qr_ready' || !first.qr) throw new ConnectTimeoutError();
      if (phoneNumber)
        return {
          kind: 'pairing_code',
          pairingCode: await managed.session.requestPairingCode(phoneNumber),
        };
      return { kind: 'qr', qrCode: first.qr, qrCodeBase64: await QRCode.toDataURL(first.qr) };
    });
  }

  /**
   * `POST /api/instance/reconnect/:instance`: restarts the socket with the saved session.
   * @throws NoSavedSessionError when never linked or logged out
   */
  async reconnect(instance: Instance, relayed = false): Promise<void> {
    await this.withLock(instance.id, async () => {
      if (!(await hasSavedSession(this.em, instance.id))) throw new NoSavedSessionError();
      const existing = this.sessions.get(instance.id);
      const owner = existing || relayed ? null : await this.otherOwner(instance.id);
      if (owner) {
        await this.relay.send(owner, 'reconnect', instance.id, {}, 30_000);
        return;
      }
      let lease = existing?.lease;
      if (existing) await this.close(existing, { release: false });
      lease ??= (await this.acquire(instance.id)) ?? undefined;
      if (!lease) throw new SessionOwnedElsewhereError();
      await this.open(instance, lease, { announce: true });
    });
  }

  /**
   * `DELETE /api/instance/logout/:instance`: unlinks the device (when connected), closes the
   * socket and wipes the credentials; the instance becomes `loggedout` and never reconnects.
   */
  async logout(instance: Instance, relayed = false): Promise<void> {
    await this.withLock(instance.id, async () => {
      const managed = this.sessions.get(instance.id);
      if (managed) {
        try {
          await managed.session.logout();
        } finally {
          await managed.store.clear().catch(() => undefined);
          await managed.eventChain;
          await this.close(managed, { release: true });
        }
      } else {
        const owner = await this.otherOwner(instance.id);
        if (owner && !relayed) {
          await this.relay.send(owner, 'logout', instance.id, {}, 30_000);
          return;
        }
        if (owner) throw new SessionOwnedElsewhereError();
        await this.em
          .fork()
          .nativeUpdate(
            SessionCredentials,
            { instance: instance.id },
            { credsCipher: null, registered: false },
          );
      }
      const fresh = await this.em.fork().findOne(Instance, { id: instance.id });
      if (fresh && fresh.state !== 'loggedout') {
        await this.transition(instance.id, instance.name, fresh.state, {
          state: 'loggedout',
          reason: 'logged_out',
        });
      }
    });
  }

  /**
   * Logs out and stops before the instance is deleted (docs/API.md delete "logs out first"), on
   * whichever process owns the session: a linked session is logged out (relayed to its owner by
   * `logout`); a session another process runs without saved credentials (a QR still showing) is
   * stopped there through the relay (`forget`). Never throws: a failure is logged and the
   * deletion goes on (the rows go; an orphaned socket stops at its next lease renewal at most).
   */
  async forget(instance: Instance, relayed = false): Promise<void> {
    const warn = (error: unknown) =>
      this.logger.warn(
        `Logout before delete of ${instance.name} failed: ${(error as Error).message}`,
      );
    try {
      if (this.sessions.has(instance.id) || (await hasSavedSession(this.em, instance.id))) {
        await this.logout(instance, relayed).catch(warn);
      } else if (!relayed) {
        const owner = await this.otherOwner(instance.id);
        if (owner) await this.relay.send(owner, 'forget', instance.id, {}, 30_000).catch(warn);
      }
      const managed = this.sessions.get(instance.id);
      if (managed) await this.close(managed, { release: true });
    } catch (error) {
      warn(error);
    }
  }

  /**
   * {@link forget} for a batch of instances about to be deleted (account deletion, issue 11),
   * with two queries for the whole batch (saved credentials, lease holders) instead of a few per
   * instance: only instances with a local session, saved credentials or a lease are forgotten,
   * one after the other. Never throws.
   */
  async forgetMany(instances: readonly Instance[]): Promise<void> {
    if (instances.length === 0) return;
    const ids = instances.map((instance) => instance.id);
    let saved = new Set<string>(ids);
    let held = new Map<string, string | null>(ids.map((id) => [id, 'unknown']));
    try {
      const rows = await this.em
        .fork()
        .find(
          SessionCredentials,
          { instance: { $in: ids }, registered: true },
          { fields: ['instance'] },
        );
      saved = new Set(rows.map((row) => row.instance.id));
      held = await this.leases.holders(ids);
    } catch (error) {
      // Unsure who has a session: forget every instance of the batch, one by one.
      this.logger.warn(`Session look-up before delete failed: ${(error as Error).message}`);
    }
    for (const instance of instances) {
      if (this.sessions.has(instance.id) || saved.has(instance.id) || held.get(instance.id)) {
        await this.forget(instance);
      }
    }
  }

  // --- internals ---------------------------------------------------------------------------

  /** The owner id of another process holding the instance's lease, or `null`. */
  private async otherOwner(instanceId: string): Promise<string | null> {
    const holder = await this.leases.holder(instanceId);
    return holder && holder !== this.leases.ownerId ? holder : null;
  }

  /**
   * Runs a command another process relayed here because this process owns the session: a
   * lifecycle command, or a registered session command on the live session (its result in wire
   * form).
   */
  private async runRelayed(
    op: SessionCommand,
    instanceId: string,
    args: Record<string, unknown>,
  ): Promise<unknown> {
    if (!LIFECYCLE_COMMANDS.has(op)) {
      const local = this.sessions.get(instanceId);
      if (!local) throw new InstanceNotConnectedError();
      return this.commands.runForRelay(local.session, op, args);
    }
    const instance = await this.em.fork().findOne(Instance, { id: instanceId });
    if (!instance) throw new InstanceNotFoundError();
    switch (op) {
      case 'connect':
        return this.connect(
          instance,
          typeof args.phoneNumber === 'string' ? args.phoneNumber : undefined,
          true,
        );
      case 'reconnect':
        return this.reconnect(instance, true);
      case 'logout':
        return this.logout(instance, true);
      case 'forget':
        return this.forget(instance, true);
    }
  }

  private withLock<T>(instanceId: string, fn: () => Promise<T>): Promise<T> {
    return this.locks.run(instanceId, fn);
  }

  /**
   * Takes the lease and the write fence for this process, or `null` when another owner holds it.
   * When Redis lost its fence counter (a restart without persistence, a failover), the counter is
   * behind the database's fence and every claim would fail; it is raised to the database's and
   * the lease taken once more, instead of one step per reconcile tick (issue 11).
   */
  private async acquire(instanceId: string, catchUp = true): Promise<SessionLease | null> {
    const lease = await this.leases.acquire(instanceId);
    if (!lease) return null;
    if (!(await claimFence(this.em, instanceId, lease.fencingToken))) {
      await this.leases.release(lease);
      const saved = await this.em.fork().findOne(SessionCredentials, { instance: instanceId });
      if (catchUp && saved && (await this.leases.raiseFence(instanceId, saved.fence)))
        return this.acquire(instanceId, false);
      return null;
    }
    return lease;
  }

  /**
   * Creates the engine session for `instance` under `lease` and starts it; `beforeStart` sees
   * the session before any event can be emitted.
   */
  private async open(
    instance: Instance,
    lease: SessionLease,
    options: { announce: boolean; beforeStart?: (session: WhatsAppSession) => void },
  ): Promise<ManagedSession> {
    let settings, proxy;
    try {
      settings = await this.settings.get(instance);
      proxy = await this.proxies.credentials(instance);
      if (proxy) await this.proxies.assertAllowed(proxy, instance.name);
    } catch (error) {
      await this.leases.release(lease).catch(() => undefined);
      if (error instanceof ProxyRefusedError) await this.stopForRefusedProxy(instance);
      throw error;
    }
    const sandboxUrl = this.config.get('session.sandboxUrl', { infer: true });
    const store = new DatabaseAuthStateStore(this.em, this.box, instance.id, lease.fencingToken);
    const session = createBaileysSession({
      store,
      logger: this.engineLogger.child({ instance: instance.name }),
      engineLogLevel: this.config.get('session.engineLogLevel', { infer: true }),
      waVersion: this.config.get('session.waVersion', { infer: true }),
      browser: ['Wharf', 'Chrome', WHARF_VERSION],
      proxyAgent: proxy ? createProxyAgent(proxy, this.proxies.lookup) : undefined,
      mediaProxyUrl: proxy ? proxyUrl(proxy) : undefined,
      proxyLookup: proxy ? this.proxies.lookup : undefined,
      markOnlineOnConnect: settings.keepOnlineStatus,
      disableHistorySync: sandboxUrl ? true : settings.disableHistorySync,
      sandbox: sandboxUrl
        ? { wsUrl: sandboxUrl, rootPublicKey: SANDBOX_ROOT_PUBLIC_KEY, mediaCa: SANDBOX_MEDIA_CERT }
        : undefined,
    });
    const managed: ManagedSession = {
      instanceId: instance.id,
      name: instance.name,
      session,
      lease,
      store,
      state: instance.state,
      failures: 0,
      lastRenewAt: Date.now(),
      renewTimer: setInterval(
        () => void this.renew(managed),
        Math.max(250, Math.floor(this.leases.ttlMs / 3)),
      ),
      eventChain: Promise.resolve(),
      closed: false,
      proxyHost: proxy?.host,
      ...outcomeLatch(),
    };
    this.sessions.set(instance.id, managed);
    session.on('connection', (event) =>
      this.enqueue(managed, () => this.onConnection(managed, event)),
    );
    session.on('call', (event) =>
      this.enqueue(managed, () =>
        this.subscribers.deliver('call', this.instanceOf(managed), event),
      ),
    );
    session.on('profile', (event) =>
      this.enqueue(managed, () =>
        this.subscribers.deliver('profile', this.instanceOf(managed), event),
      ),
    );
    session.on('appState', (event) =>
      this.enqueue(managed, () =>
        this.subscribers.deliver('appState', this.instanceOf(managed), event),
      ),
    );
    session.on('message', (event) =>
      this.enqueue(managed, () => this.toTraffic(managed, { kind: 'message', message: event })),
    );
    session.on('receipt', (event) =>
      this.enqueue(managed, () => this.toTraffic(managed, { kind: 'receipt', receipt: event })),
    );
    // Restores and reconnects announce themselves; a fresh link is announced by its QR or code.
    if (options.announce && managed.state !== 'connecting') {
      await this.transition(managed.instanceId, managed.name, managed.state, {
        state: 'connecting',
        reason: 'reconnecting',
      });
      managed.state = 'connecting';
    }
    options.beforeStart?.(session);
    try {
      await session.start();
    } catch (error) {
      await this.close(managed, { release: true });
      throw error;
    }
    managed.announced = true;
    this.subscribers.owned(instance.id);
    return managed;
  }

  /**
   * An instance whose proxy D12 refused does not keep a `connected`/`connecting` state it cannot
   * reach (restores and takeovers would otherwise retry it forever): it becomes `disconnected`
   * (`connection_lost`, D7's vocabulary) with an `instance.state` event, and stays so until its
   * proxy is fixed and `connect`/`reconnect` is called. The refusal itself is logged by
   * `ProxyService.assertAllowed`.
   */
  private async stopForRefusedProxy(instance: Pick<Instance, 'id' | 'name'>): Promise<void> {
    const fresh = await this.em.fork().findOne(Instance, { id: instance.id });
    if (!fresh || (fresh.state !== 'connected' && fresh.state !== 'connecting')) return;
    await this.transition(instance.id, instance.name, fresh.state, {
      state: 'disconnected',
      reason: 'connection_lost',
    }).catch((error: unknown) =>
      this.logger.warn(`State of ${instance.name} not updated: ${(error as Error).message}`),
    );
  }

  private enqueue(managed: ManagedSession, work: () => Promise<void>): void {
    managed.eventChain = managed.eventChain.then(work).catch((error: unknown) => {
      this.logger.error(`Session event of ${managed.name} failed: ${(error as Error).message}`);
    });
  }

  /** Stops the socket (credentials kept) and forgets it; optionally gives the lease up. */
  private async close(managed: ManagedSession, options: { release: boolean }): Promise<void> {
    managed.reachedOutcome();
    if (!managed.closed) {
      managed.closed = true;
      clearInterval(managed.renewTimer);
      clearTimeout(managed.reconnectTimer);
      managed.session.removeAllListeners();
      await managed.session.stop().catch((error: unknown) => {
        this.logger.warn(`Stopping ${managed.name} failed: ${(error as Error).message}`);
      });
    }
    if (this.sessions.get(managed.instanceId) === managed) this.sessions.delete(managed.instanceId);
    if (options.release) await this.leases.release(managed.lease).catch(() => undefined);
  }

  private async renew(managed: ManagedSession): Promise<void> {
    if (managed.closed) return;
    try {
      if (await this.leases.renew(managed.lease)) {
        managed.lastRenewAt = Date.now();
        return;
      }
      this.logger.warn(`Lease of ${managed.name} was lost: stopping its socket (D20)`);
    } catch (error) {
      if (Date.now() - managed.lastRenewAt < this.leases.ttlMs) return;
      this.logger.warn(
        `Lease of ${managed.name} could not be renewed for a full TTL: stopping (${(error as Error).message})`,
      );
    }
    await this.close(managed, { release: false });
  }

  /**
   * Starts every instance that should be connected and has no owner: on boot (restore) and
   * periodically (takeover after an owner died), at most SESSION_RESTORE_PER_SECOND (D10).
   */
  /**
   * Runs a reconcile pass ({@link reconcileOnce}); called while one runs, it runs another right
   * after it (the state may have changed since that pass read it) and resolves when that ends.
   */
  private reconcile(): Promise<void> {
    if (this.reconcileRun) {
      this.reconcileAgain = true;
      return this.reconcileRun;
    }
    const run = (async () => {
      try {
        do {
          this.reconcileAgain = false;
          await this.reconcileOnce();
        } while (this.reconcileAgain && !this.stopping);
      } finally {
        this.reconcileRun = undefined;
      }
    })();
    this.reconcileRun = run;
    return run;
  }

  /**
   * The recovery after a Redis outage (issue 11): a reconcile pass that starts now (leases lapsed
   * or vanished meanwhile), then the first outcome of every session this process runs, at most
   * {@link RECOVERY_CONNECT_BOUND_MS}: readiness says `recovering: sessions` until the restored
   * sockets are connected (or failed), so a send right after "ready" is not refused as
   * not connected.
   */
  private async recoverAfterRedis(): Promise<void> {
    await this.reconcile();
    const outcomes = [...this.sessions.values()].map((managed) => managed.firstOutcome);
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([
      Promise.all(outcomes),
      new Promise<void>((resolve) => {
        timer = setTimeout(resolve, RECOVERY_CONNECT_BOUND_MS);
      }),
    ]);
    clearTimeout(timer);
  }

  private async reconcileOnce(): Promise<void> {
    if (this.stopping) return;
    try {
      const em = this.em.fork();
      const candidates = await em.find(
        Instance,
        {
          state: { $in: ['connected', 'connecting'] },
          id: { $in: await this.registeredInstanceIds() },
          // An account being deleted (issue 11) gets none of its sessions back.
          account: { deletionRequestedAt: null },
        },
        { orderBy: { id: 'asc' } },
      );
      const spacing = Math.ceil(
        1000 / this.config.get('session.restorePerSecond', { infer: true }),
      );
      for (const instance of candidates) {
        if (this.stopping) break;
        if (this.sessions.has(instance.id) || this.locks.has(instance.id)) continue;
        const started = await this.withLock(instance.id, async () => {
          if (this.sessions.has(instance.id)) return false;
          const lease = await this.acquire(instance.id);
          if (!lease) return false;
          this.logger.log(`Restoring session of ${instance.name}`);
          await this.open(instance, lease, { announce: true });
          return true;
        }).catch((error: unknown) => {
          this.logger.error(`Restoring ${instance.name} failed: ${(error as Error).message}`);
          return false;
        });
        if (started) await new Promise((resolve) => setTimeout(resolve, spacing));
      }
    } catch (error) {
      this.logger.warn(`Session reconcile failed: ${(error as Error).message}`);
    }
  }

  private async registeredInstanceIds(): Promise<string[]> {
    const rows = await this.em
      .fork()
      .find(SessionCredentials, { registered: true }, { fields: ['instance'] });
    return rows.map((row) => row.instance.id);
  }

  /** Handles a connection event, then hands it to the `connection` subscribers. */
  private async onConnection(managed: ManagedSession, event: ConnectionEvent): Promise<void> {
    if (managed.closed) return;
    await this.handleConnection(managed, event);
    await this.subscribers.deliver('connection', this.instanceOf(managed), event);
  }

  private async handleConnection(managed: ManagedSession, event: ConnectionEvent): Promise<void> {
    const previous = managed.state;
    managed.state = event.state;
    if (event.state !== 'connecting') managed.reachedOutcome();
    await this.transition(managed.instanceId, managed.name, previous, event);
    switch (event.state) {
      case 'connected':
        managed.failures = 0;
        return;
      case 'disconnected':
        if (event.retryable) this.scheduleReconnect(managed);
        else await this.close(managed, { release: true });
        return;
      case 'loggedout':
        await managed.store.clear().catch(() => undefined);
        await this.close(managed, { release: true });
        return;
      case 'banned':
        await this.close(managed, { release: true });
        return;
      case 'connecting':
        return;
    }
  }

  private scheduleReconnect(managed: ManagedSession): void {
    managed.failures += 1;
    const max = this.config.get('session.maxReconnectFailures', { infer: true });
    if (managed.failures >= max) {
      this.logger.warn(
        `${managed.name} failed ${managed.failures} times in a row: no more reconnects (D10)`,
      );
      void this.close(managed, { release: true });
      return;
    }
    const delay = reconnectDelayMs(
      managed.failures,
      this.config.get('session.reconnectBaseDelayMs', { infer: true }),
      this.config.get('session.reconnectMaxDelayMs', { infer: true }),
    );
    clearTimeout(managed.reconnectTimer);
    managed.reconnectTimer = setTimeout(() => {
      this.withLock(managed.instanceId, async () => {
        if (managed.closed || this.sessions.get(managed.instanceId) !== managed) return;
        if (managed.proxyHost) {
          try {
            await this.proxies.assertAllowed({ host: managed.proxyHost }, managed.name);
          } catch (error) {
            if (!(error instanceof ProxyRefusedError)) throw error;
            await this.close(managed, { release: true });
            await this.stopForRefusedProxy({ id: managed.instanceId, name: managed.name });
            return;
          }
        }
        const previous = managed.state;
        managed.state = 'connecting';
        await this.transition(managed.instanceId, managed.name, previous, {
          state: 'connecting',
          reason: 'reconnecting',
        });
        try {
          await managed.session.start();
        } catch (error) {
          this.logger.warn(`Reconnect of ${managed.name} failed: ${(error as Error).message}`);
          this.scheduleReconnect(managed);
        }
      }).catch((error: unknown) => {
        this.logger.error(`Reconnect of ${managed.name} failed: ${(error as Error).message}`);
        if (!managed.closed) this.scheduleReconnect(managed);
      });
    }, delay);
  }

  /** Stores a state change on the instance and publishes `instance.state` (D7). */
  private async transition(
    instanceId: string,
    name: string,
    previous: InstanceState,
    event: Pick<ConnectionEvent, 'state' | 'reason'> & Partial<ConnectionEvent>,
  ): Promise<void> {
    const changes: Partial<Instance> = { state: event.state, stateReason: event.reason };
    if (event.jid) changes.numberJid = toUserJid(event.jid);
    if (event.lid) changes.lid = toUserJid(event.lid);
    if (event.state === 'loggedout') Object.assign(changes, { numberJid: null, lid: null });
    await this.em.fork().nativeUpdate(Instance, { id: instanceId }, changes);
    const data: InstanceStateData = {
      instance: name,
      state: event.state,
      status: event.state,
      reason: event.reason,
      previousState: previous,
      timestamp: new Date().toISOString(),
    };
    if (event.jid) data.jid = toUserJid(event.jid);
    if (event.qr) {
      data.qrCode = event.qr;
      data.qrCodeBase64 = await QRCode.toDataURL(event.qr);
    }
    if (event.pairingCode) data.pairingCode = event.pairingCode;
    await this.events.publish({ id: instanceId, name }, 'instance.state', data);
  }

  private async toTraffic(managed: ManagedSession, traffic: SessionTraffic): Promise<void> {
    const me = managed.session.me;
    const owner = {
      id: managed.instanceId,
      name: managed.name,
      ownJid: me ? toUserJid(me.jid) : null,
    };
    await this.subscribers.traffic(owner, traffic);
  }

  private instanceOf(managed: ManagedSession): SessionInstance {
    return { id: managed.instanceId, name: managed.name };
  }

  /** Waits for the first `connection` event matching `predicate`, or `null` after `timeoutMs`. */
  private waitFor(
    session: WhatsAppSession,
    timeoutMs: number,
    predicate: (event: ConnectionEvent) => boolean,
  ): Promise<ConnectionEvent | null> {
    return new Promise((resolve) => {
      const listener = (event: ConnectionEvent) => {
        if (!predicate(event)) return;
        clearTimeout(timer);
        session.off('connection', listener);
        resolve(event);
      };
      const timer = setTimeout(() => {
        session.off('connection', listener);
        resolve(null);
      }, timeoutMs);
      session.on('connection', listener);
    });
  }
}

/** A promise and the function that settles it (idempotent), for {@link ManagedSession}. */
function outcomeLatch(): Pick<ManagedSession, 'firstOutcome' | 'reachedOutcome'> {
  let reachedOutcome!: () => void;
  const firstOutcome = new Promise<void>((resolve) => {
    reachedOutcome = resolve;
  });
  return { firstOutcome, reachedOutcome };
}
