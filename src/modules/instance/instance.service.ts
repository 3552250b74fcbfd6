import {
  EntityManager,
  type FilterQuery,
  UniqueConstraintViolationException,
} from '@mikro-orm/core';
import { Injectable } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import type { Principal } from '@wharf/common/auth/principal';
import {
  constantTimeEqual,
  generateToken,
  SecretBox,
  sha256Hex,
  tokenDigest,
} from '@wharf/common/crypto';
import {
  DomainError,
  InstanceConflictError,
  InstanceNotFoundError,
  OperationFailedError,
  QuotaExceededError,
  ValidationFailedError,
} from '@wharf/common/errors';
import type { AllConfig } from '@wharf/config';
import { Account } from '@wharf/modules/account/entities/account.entity';
import { SetProxyDto } from '@wharf/modules/proxy/dto/proxy.dto';
import { DISABLED_PROXY, ProxyService, toProxySummary } from '@wharf/modules/proxy/proxy.service';
import { SessionProvider } from '@wharf/modules/session/session.provider';
import { DEFAULT_SETTINGS, SettingsService, toSettingsDto } from '@wharf/modules/settings/settings.service';
import { SetS3Dto } from '@wharf/modules/storage/dto/s3.dto';
import { DISABLED_S3, S3ConfigService, toS3Summary } from '@wharf/modules/storage/s3-config.service';
import { WebhookSummaryDto } from '@wharf/modules/webhook/dto/webhook.dto';
import { toWebhookSummary, WebhookService } from '@wharf/modules/webhook/webhook.service';
import { WebsocketSummaryDto } from '@wharf/modules/websocket/dto/websocket-config.dto';
import { toWebsocketSummary, WebsocketConfigService } from '@wharf/modules/websocket/websocket-config.service';

import { CreateInstanceDto } from './dto/create-instance.dto';
import {
  ChatwootSummaryDto,
  CreateInstanceResponseDto,
  InstanceListItemDto,
  ListMetaDto,
  RotatedInstanceTokenDto,
} from './dto/instance-response.dto';
import { INSTANCE_PAGE_DEFAULT, ListInstancesQueryDto } from './dto/list-instances-query.dto';
import { Instance } from './entities/instance.entity';
import { toInstanceListItem } from './instance.mapper';

const tokenAt = (instance: Instance) => ({
  table: 'instance',
  column: 'token_cipher',
  rowId: instance.id,
});

/** What the chatwoot block says until the Chatwoot integration lands (it never aborts creation). */
const CHATWOOT_UNAVAILABLE: ChatwootSummaryDto = {
  status: 'error',
  error: 'Chatwoot integration is not available in this version of Wharf',
};

/**
 * Instance lifecycle of docs/API.md §3.1: create (with the inline blocks), list, delete and token
 * rotation (D3). Ownership was checked by the guard before any method here runs.
 */
@Injectable()
export class InstanceService {
  constructor(
    private readonly em: EntityManager,
    private readonly box: SecretBox,
    private readonly config: ConfigService<AllConfig, true>,
    private readonly settings: SettingsService,
    private readonly proxies: ProxyService,
    private readonly s3: S3ConfigService,
    private readonly webhooks: WebhookService,
    private readonly websockets: WebsocketConfigService,
    private readonly sessions: SessionProvider,
  ) {}

  /**
   * Creates an instance and its inline blocks in one transaction.
   * @throws ValidationFailedError for an invalid proxy or S3 block (nothing is created)
   * @throws QuotaExceededError, InstanceConflictError, OperationFailedError `Failed to create instance`
   */
  async create(account: Account, dto: CreateInstanceDto): Promise<CreateInstanceResponseDto> {
    const proxyInput = proxyBlock(dto);
    if (proxyInput) this.proxies.validate(proxyInput);
    const s3Input = s3Block(dto);
    if (s3Input) this.s3.validate(s3Input);

    const token = dto.token ?? generateToken();
    try {
      if (dto.token !== undefined && (await this.tokenInUse(dto.token)))
        throw new InstanceConflictError();
      if (account.instanceLimit !== null) {
        const owned = await this.em.count(Instance, { account });
        if (owned >= account.instanceLimit) throw new QuotaExceededError();
      }
      if (await this.em.count(Instance, { account, name: dto.name }))
        throw new InstanceConflictError();

      const instance = this.em.create(Instance, {
        account,
        name: dto.name,
        tokenDigest: tokenDigest(token, this.config.get('security.encryptionKey', { infer: true })),
        tokenCipher: '',
      });
      instance.tokenCipher = this.box.seal(token, tokenAt(instance));

      const settings = this.settings.create(instance, dto);
      const proxy = proxyInput ? await this.proxies.apply(instance, proxyInput, true) : null;
      const s3 = s3Input ? await this.s3.apply(instance, s3Input, true) : null;
      const webhook = await this.webhookBlock(instance, dto);
      const websocket = await this.websocketBlock(instance, dto);
      await this.em.flush();

      return {
        success: true,
        message: 'Instance created successfully',
        instance: {
          id: instance.id,
          name: instance.name,
          token,
          status: instance.state,
          createdAt: instance.createdAt.toISOString(),
        },
        proxy: proxy ? toProxySummary(proxy) : { ...DISABLED_PROXY },
        webhook,
        websocket,
        chatwoot: dto.chatwootEnabled === true ? { ...CHATWOOT_UNAVAILABLE } : { enabled: false },
        settings: toSettingsDto(settings),
        s3: s3 ? toS3Summary(s3) : { ...DISABLED_S3 },
      };
    } catch (error) {
      if (error instanceof DomainError) throw error;
      if (error instanceof UniqueConstraintViolationException) throw new InstanceConflictError();
      throw new OperationFailedError('Failed to create instance', error);
    }
  }

  /**
   * `GET /api/instance/list`: a TokenInstance gets exactly its own item (D23); a TokenAccount all
   * its instances, one by name (404 when unknown) or a comma list (unknown names skipped).
   */
  /**
   * `GET /api/instance/list` (docs/API.md §3.1, D23): a TokenInstance gets its own item; a
   * TokenAccount every instance, one by name (404 when unknown) or a comma list (unknown names
   * skipped), one page at a time (see {@link ListInstancesQueryDto}). Only the page's items are
   * loaded, with their summaries fetched in one query per table.
   * @throws InstanceNotFoundError for one unknown name; ValidationFailedError for a bad cursor
   *   or `page` together with `cursor`
   */
  async list(
    principal: Principal,
    query: ListInstancesQueryDto = {},
  ): Promise<{ items: InstanceListItemDto[]; meta: ListMetaDto }> {
    const limit = query.limit ?? INSTANCE_PAGE_DEFAULT;
    if (query.page !== undefined && query.cursor !== undefined) {
      throw new ValidationFailedError('Invalid request body: use either page or cursor', [
        { field: 'cursor', message: 'page and cursor cannot be combined' },
      ]);
    }
    const whole = (instances: Instance[]) => ({
      instances,
      meta: { total: instances.length, limit, page: 1, hasMore: false, nextCursor: null },
    });
    let page: { instances: Instance[]; meta: ListMetaDto };
    if (principal.kind === 'instance') {
      page = whole([principal.instance]);
    } else if (principal.kind === 'account') {
      const names = (query.instanceName ?? '')
        .split(',')
        .map((name) => name.trim())
        .filter(Boolean);
      if (names.length === 1 && !query.instanceName?.includes(',')) {
        const one = await this.em.findOne(Instance, { account: principal.account, name: names[0] });
        if (!one) throw new InstanceNotFoundError();
        page = whole([one]);
      } else {
        const where: FilterQuery<Instance> = { account: principal.account };
        if (names.length) where.name = { $in: [...new Set(names)] };
        page = await this.page(where, limit, query);
      }
    } else {
      page = whole([]);
    }
    return { items: await this.toItems(page.instances), meta: page.meta };
  }

  /**
   * One page of instances in creation order (`createdAt`, then `name`, which is unique per
   * account), by 1-based `page` or by keyset `cursor` — the last item's `createdAt` and `name`,
   * base64url JSON — so a page costs one indexed range read however deep it is.
   * @throws ValidationFailedError when the cursor was not made by this endpoint
   */
  private async page(
    where: FilterQuery<Instance>,
    limit: number,
    query: ListInstancesQueryDto,
  ): Promise<{ instances: Instance[]; meta: ListMetaDto }> {
    const total = await this.em.count(Instance, where);
    let ranged: FilterQuery<Instance> = where;
    let offset = 0;
    if (query.cursor !== undefined) {
      const after = decodeListCursor(query.cursor);
      ranged = {
        $and: [
          where,
          {
            $or: [
              { createdAt: { $gt: after.createdAt } },
              { createdAt: after.createdAt, name: { $gt: after.name } },
            ],
          },
        ],
      };
    } else {
      offset = ((query.page ?? 1) - 1) * limit;
    }
    const rows = await this.em.find(Instance, ranged, {
      orderBy: { createdAt: 'asc', name: 'asc' },
      limit: limit + 1,
      offset,
    });
    const hasMore = rows.length > limit;
    const instances = hasMore ? rows.slice(0, limit) : rows;
    const last = instances.at(-1);
    return {
      instances,
      meta: {
        total,
        limit,
        page: query.cursor !== undefined ? null : (query.page ?? 1),
        hasMore,
        nextCursor: hasMore && last ? encodeListCursor(last) : null,
      },
    };
  }

  /**
   * Logs the instance out of WhatsApp when it has a session (on whichever process owns it), then
   * deletes it in one transaction (docs/API.md §3.1 delete). The schema's ON DELETE CASCADE removes
   * every row that belongs to the instance (settings, proxy, S3, webhooks and their deliveries,
   * WebSocket, session credentials and keys, events, messages) without loading any of them.
   * Objects already in S3 are kept.
   * @throws OperationFailedError `Failed to delete instance: <reason>`
   */
  async delete(instance: Instance): Promise<void> {
    try {
      await this.sessions.forget(instance);
      await this.em.transactional((em) => em.nativeDelete(Instance, { id: instance.id }));
      this.em.getUnitOfWork().unsetIdentity(instance);
    } catch (error) {
      throw new OperationFailedError(`Failed to delete instance: ${reasonOf(error)}`, error);
    }
  }

  /** Issues a new TokenInstance; the old one stops working at once (D3). */
  async rotateToken(instance: Instance): Promise<RotatedInstanceTokenDto> {
    const token = generateToken();
    instance.tokenDigest = tokenDigest(
      token,
      this.config.get('security.encryptionKey', { infer: true }),
    );
    instance.tokenCipher = this.box.seal(token, tokenAt(instance));
    await this.em.flush();
    return { id: instance.id, name: instance.name, token };
  }

  /** Whether `token` is already any principal's token (D3: unique across the deployment). */
  private async tokenInUse(token: string): Promise<boolean> {
    const security = this.config.get('security', { infer: true });
    if (constantTimeEqual(token, security.adminToken)) return true;
    if (await this.em.count(Account, { tokenHash: sha256Hex(token) })) return true;
    const digests = security.decryptionKeys.map((key) => tokenDigest(token, key));
    return (await this.em.count(Instance, { tokenDigest: { $in: digests } })) > 0;
  }

  private async webhookBlock(
    instance: Instance,
    dto: CreateInstanceDto,
  ): Promise<WebhookSummaryDto> {
    if (dto.webhookEnabled === undefined || dto.webhookEnabled === false) return { enabled: false };
    if (dto.webhookEnabled !== true)
      return { enabled: false, error: 'webhookEnabled must be a boolean' };
    const input = {
      enabled: true,
      url: dto.webhookURL,
      authorization: dto.webhookAuthorization,
      byEvents: dto.webhookByEvents,
      events: dto.webhookEvents,
      mediaBase64: dto.webhookMediaBase64,
    };
    const problem = this.webhooks.check(input);
    if (problem) return { enabled: false, error: problem };
    return toWebhookSummary(await this.webhooks.apply(instance, input, true));
  }

  private async websocketBlock(
    instance: Instance,
    dto: CreateInstanceDto,
  ): Promise<WebsocketSummaryDto> {
    const disabled = { enabled: false, events: [], mediaBase64: false };
    if (dto.websocketEnabled === undefined) return disabled;
    if (typeof dto.websocketEnabled !== 'boolean')
      return { ...disabled, error: 'websocketEnabled must be a boolean' };
    const input = {
      enabled: dto.websocketEnabled,
      events: dto.websocketEvents,
      mediaBase64: dto.websocketMediaBase64,
    };
    const problem = this.websockets.check(input);
    if (problem) return { ...disabled, error: problem };
    return toWebsocketSummary(await this.websockets.apply(instance, input, true));
  }

  private async toItems(instances: Instance[]): Promise<InstanceListItemDto[]> {
    if (instances.length === 0) return [];
    const [settings, proxies, s3, webhooks, websockets] = await Promise.all([
      this.settings.summaries(instances),
      this.proxies.summaries(instances),
      this.s3.summaries(instances),
      this.webhooks.summaries(instances),
      this.websockets.summaries(instances),
    ]);
    return instances.map((instance) =>
      toInstanceListItem(instance, this.box.open(instance.tokenCipher, tokenAt(instance)), {
        webhook: webhooks.get(instance.id) ?? { enabled: false },
        websocket: websockets.get(instance.id) ?? {
          enabled: false,
          events: [],
          mediaBase64: false,
        },
        chatwoot: { enabled: false },
        proxy: proxies.get(instance.id) ?? { ...DISABLED_PROXY },
        settings: settings.get(instance.id) ?? { ...DEFAULT_SETTINGS },
        s3: s3.get(instance.id) ?? { ...DISABLED_S3 },
      }),
    );
  }
}

function proxyBlock(dto: CreateInstanceDto): SetProxyDto | null {
  const given = [
    dto.proxyEnabled,
    dto.proxyHost,
    dto.proxyPort,
    dto.proxyProtocol,
    dto.proxyUsername,
    dto.proxyPassword,
  ];
  if (given.every((value) => value === undefined)) return null;
  if (dto.proxyEnabled === false) return null;
  return {
    enabled: true,
    host: dto.proxyHost,
    port: dto.proxyPort,
    protocol: dto.proxyProtocol,
    username: dto.proxyUsername,
    password: dto.proxyPassword,
  };
}

function s3Block(dto: CreateInstanceDto): SetS3Dto | null {
  if (dto.s3Enabled !== true) return null;
  return {
    enabled: true,
    region: dto.s3Region,
    bucket: dto.s3Bucket,
    accessKey: dto.s3AccessKey,
    secretKey: dto.s3SecretKey,
    endpoint: dto.s3Endpoint,
    pathPrefix: dto.s3PathPrefix,
  };
}

function reasonOf(error: unknown): string {
  return error instanceof Error ? error.name : 'unknown error';
}

/** `meta.nextCursor` of `GET /api/instance/list`: the last item's creation time and name. */
function encodeListCursor(instance: Instance): string {
  return Buffer.from(JSON.stringify([instance.createdAt.toISOString(), instance.name])).toString(
    'base64url',
  );
}

/** Reads a cursor of {@link encodeListCursor}; anything else is a 400. */
function decodeListCursor(cursor: string): { createdAt: Date; name: string } {
  try {
    const [at, name] = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as unknown[];
    const createdAt = new Date(typeof at === 'string' ? at : Number.NaN);
    if (typeof name === 'string' && !Number.isNaN(createdAt.getTime())) return { createdAt, name };
  } catch {
    // falls through to the 400
  }
  throw new ValidationFailedError('cursor must be a cursor returned by this endpoint', [
    { field: 'cursor', message: 'cursor must be a cursor returned by this endpoint' },
  ]);
}
