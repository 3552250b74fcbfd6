import type { LookupFunction } from 'node:net';
import { isIP } from 'node:net';

import { EntityManager } from '@mikro-orm/core';
import { Injectable, Logger } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { SecretBox } from '@wharf/common/crypto';
import { OperationFailedError, ValidationFailedError } from '@wharf/common/errors';
import {
  assertPublicHost,
  checkOutboundHost,
  guardedLookup,
  PrivateTargetError,
  type TargetPolicy,
} from '@wharf/common/http/url-guard';
import { type AllConfig, proxyPolicy } from '@wharf/config';
import { retryAfterInsertRace } from '@wharf/database/unique-race';
import type { Instance } from '@wharf/modules/instance/entities/instance.entity';

import { ProxySummaryDto, SetProxyDto } from './dto/proxy.dto';
import { ProxyConfig, type ProxyProtocol } from './entities/proxy-config.entity';
import { ProxyRefusedError } from './proxy-errors';

/** A host name; a trailing dot (a fully qualified name) is accepted. */
const HOSTNAME =
  /^(?=.{1,254}$)([a-zA-Z0-9_]([a-zA-Z0-9_-]{0,61}[a-zA-Z0-9])?)(\.[a-zA-Z0-9_]([a-zA-Z0-9_-]{0,61}[a-zA-Z0-9])?)*\.?$/;

/** Where the proxy password ciphertext belongs (D11 AAD). */
const passwordAt = (row: ProxyConfig) => ({
  table: 'proxy_config',
  column: 'password_cipher',
  rowId: row.id,
});

export const DISABLED_PROXY: ProxySummaryDto = {
  enabled: false,
  host: null,
  port: null,
  protocol: null,
  username: null,
};

export function toProxySummary(row: ProxyConfig | null | undefined): ProxySummaryDto {
  if (!row?.enabled) return { ...DISABLED_PROXY };
  return {
    enabled: true,
    host: row.host,
    port: row.port,
    protocol: row.protocol,
    username: row.username,
  };
}

/** Decrypted proxy settings for the session layer (never returned over HTTP). */
export interface ProxyCredentials {
  host: string;
  port: number;
  protocol: ProxyProtocol;
  username: string | null;
  password: string | null;
}

/**
 * The instance's own proxy (docs/API.md §3.1 getProxy/proxy); the password is encrypted (D11). Its
 * host falls under D12 like every outbound target: refused when configured if it is a private,
 * loopback or special-use address (any encoding) or a local name, and checked again after DNS
 * resolution whenever a socket to it opens; PROXY_ALLOWED_HOSTS (names, IPs, CIDRs) lets
 * corporate proxies on private networks through, ALLOW_PRIVATE_TARGETS everything.
 */
@Injectable()
export class ProxyService {
  private readonly logger = new Logger(ProxyService.name);
  /** D12 for proxy hosts: ALLOW_PRIVATE_TARGETS and PROXY_ALLOWED_HOSTS. */
  readonly policy: TargetPolicy;
  /** The lookup of sockets to proxies: resolves and checks under {@link policy}. */
  readonly lookup: LookupFunction;

  constructor(
    private readonly em: EntityManager,
    private readonly box: SecretBox,
    config: ConfigService<AllConfig, true>,
  ) {
    this.policy = proxyPolicy(config.get('security', { infer: true }));
    this.lookup = guardedLookup(this.policy);
  }

  /**
   * Checks a proxy request: enabled proxies need host, port and protocol, the host must be an
   * IP or a host name, and D12 must allow it (see the class comment).
   * @throws ValidationFailedError `Invalid request body: <detail>`
   */
  validate(input: SetProxyDto): void {
    if (input.enabled === false) return;
    const missing = (['host', 'port', 'protocol'] as const).filter((key) => !input[key]);
    if (missing.length) {
      throw new ValidationFailedError(
        `Invalid request body: ${missing.join(', ')} ${missing.length > 1 ? 'are' : 'is'} required when the proxy is enabled`,
        missing.map((field) => ({
          field,
          message: `${field} is required when the proxy is enabled`,
        })),
      );
    }
    const host = input.host ?? '';
    const problem =
      !isIP(host.replace(/^\[|\]$/g, '')) && !HOSTNAME.test(host)
        ? 'host must be an IP address or a host name'
        : checkOutboundHost(host, { ...this.policy, field: 'host' });
    if (problem) {
      throw new ValidationFailedError(`Invalid request body: ${problem}`, [
        { field: 'host', message: problem },
      ]);
    }
  }

  /**
   * The connect-time D12 check of a proxy, before any socket opens: the host is resolved and
   * every address checked (see the class comment). A resolution failure is left to the
   * connection itself (it fails as a network error); only a refusal throws.
   * @throws ProxyRefusedError (400) when the host is or resolves to a refused address
   */
  async assertAllowed(proxy: Pick<ProxyCredentials, 'host'>, instanceName: string): Promise<void> {
    try {
      await assertPublicHost(proxy.host, this.policy);
    } catch (error) {
      if (!(error instanceof PrivateTargetError)) return;
      this.logger.warn(
        `Proxy of ${instanceName} refused (D12): its host is or resolves to a private or loopback address; allow it with PROXY_ALLOWED_HOSTS`,
      );
      throw new ProxyRefusedError();
    }
  }

  /** Stores `input` as the instance's proxy (create or overwrite); call {@link validate} first.
   * `isNew` skips the look-up for an instance not yet flushed (creation is one flush). */
  async apply(instance: Instance, input: SetProxyDto, isNew = false): Promise<ProxyConfig> {
    const existing = isNew ? null : await this.em.findOne(ProxyConfig, { instance });
    const row = existing ?? this.em.create(ProxyConfig, { instance });
    if (input.enabled === false) {
      Object.assign(row, {
        enabled: false,
        host: null,
        port: null,
        protocol: null,
        username: null,
        passwordCipher: null,
      });
      return row;
    }
    row.enabled = true;
    row.host = input.host ?? null;
    row.port = input.port === undefined ? null : String(input.port).trim();
    row.protocol = input.protocol ?? null;
    row.username = input.username ? input.username : null;
    if (input.password !== undefined)
      row.passwordCipher = this.box.sealNullable(input.password, passwordAt(row));
    return row;
  }

  /** @throws OperationFailedError `Failed to get proxy configuration` */
  async get(instance: Instance): Promise<ProxySummaryDto> {
    try {
      return toProxySummary(await this.em.findOne(ProxyConfig, { instance }));
    } catch (error) {
      throw new OperationFailedError('Failed to get proxy configuration', error);
    }
  }

  /** Validates, stores and flushes; returns the summary. */
  async set(instance: Instance, input: SetProxyDto): Promise<ProxySummaryDto> {
    this.validate(input);
    try {
      return await retryAfterInsertRace(this.em, async () => {
        const row = await this.apply(instance, input);
        await this.em.flush();
        return toProxySummary(row);
      });
    } catch (error) {
      throw new OperationFailedError('Failed to update proxy configuration', error);
    }
  }

  /** The decrypted proxy of an instance, or `null` when it has none (session layer, issue 3). */
  async credentials(instance: Pick<Instance, 'id'>): Promise<ProxyCredentials | null> {
    const row = await this.em.fork().findOne(ProxyConfig, { instance: instance.id });
    if (!row?.enabled || !row.host || !row.port || !row.protocol) return null;
    return {
      host: row.host,
      port: Number(row.port),
      protocol: row.protocol,
      username: row.username,
      password: this.box.openNullable(row.passwordCipher, passwordAt(row)),
    };
  }

  async summaries(instances: Instance[]): Promise<Map<string, ProxySummaryDto>> {
    const rows = await this.em.find(ProxyConfig, { instance: { $in: instances.map((i) => i.id) } });
    return new Map(rows.map((row) => [row.instance.id, toProxySummary(row)]));
  }
}
