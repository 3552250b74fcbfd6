import { EntityManager, UniqueConstraintViolationException } from '@mikro-orm/core';
import { Injectable } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { generateSigningSecret, SecretBox } from '@wharf/common/crypto';
import { DomainError, OperationFailedError, ValidationFailedError } from '@wharf/common/errors';
import { checkOutboundUrl } from '@wharf/common/http/url-guard';
import { type AllConfig, outboundPolicy } from '@wharf/config';
import { retryAfterInsertRace } from '@wharf/database/unique-race';
import { checkEventFilter } from '@wharf/modules/events/event-names';
import type { Instance } from '@wharf/modules/instance/entities/instance.entity';

import { RotatedSecretDto, WebhookDto, WebhookSummaryDto } from './dto/webhook.dto';
import { Webhook } from './entities/webhook.entity';
import {
  DEFAULT_WEBHOOK_LABEL,
  MAX_ENABLED_WEBHOOKS,
  MAX_WEBHOOK_URL_LENGTH,
} from './webhook.constants';
import { WebhookDuplicateError, WebhookLimitError, WebhookNotFoundError } from './webhook.errors';

export { DEFAULT_WEBHOOK_LABEL, MAX_ENABLED_WEBHOOKS } from './webhook.constants';

/** A webhook as requested, by the route body or the inline block of instance creation. */
export interface WebhookInput {
  label?: string;
  /** Defaults to `true`. */
  enabled?: unknown;
  url?: unknown;
  authorization?: unknown;
  byEvents?: unknown;
  events?: unknown;
  mediaBase64?: unknown;
}

/** Field names used in error texts: the route's (`url`) or instance creation's (`webhookURL`). */
export interface WebhookFieldNames {
  url: string;
  authorization: string;
  byEvents: string;
  events: string;
  mediaBase64: string;
}

export const ROUTE_FIELDS: WebhookFieldNames = {
  url: 'url',
  authorization: 'authorization',
  byEvents: 'byEvents',
  events: 'events',
  mediaBase64: 'mediaBase64',
};

export const INLINE_FIELDS: WebhookFieldNames = {
  url: 'webhookURL',
  authorization: 'webhookAuthorization',
  byEvents: 'webhookByEvents',
  events: 'webhookEvents',
  mediaBase64: 'webhookMediaBase64',
};

/** Where each webhook secret is sealed (D11 AAD). */
const at = (row: Webhook, column: string) => ({ table: 'webhook', column, rowId: row.id });

export function toWebhookSummary(row: Webhook | null | undefined): WebhookSummaryDto {
  if (!row?.enabled) return { enabled: false };
  return {
    enabled: true,
    label: row.label,
    url: row.url,
    byEvents: row.byEvents,
    events: [...row.events],
    mediaBase64: row.mediaBase64,
  };
}

/** `enabled` as requested: only `false` disables. */
const isEnabled = (input: WebhookInput) => input.enabled !== false;

/**
 * Webhook configuration (docs/API.md §2.3, §3.9; D6, D11, D12): the routes and the inline block of
 * `POST /api/instance/new` both go through {@link check} and {@link apply}.
 */
@Injectable()
export class WebhookService {
  constructor(
    private readonly em: EntityManager,
    private readonly box: SecretBox,
    private readonly config: ConfigService<AllConfig, true>,
  ) {}

  /**
   * Checks a webhook request; a disabled one needs nothing else.
   * @returns an error text (e.g. `url must use http or https`), or `null`
   */
  check(input: WebhookInput, fields: WebhookFieldNames = INLINE_FIELDS): string | null {
    if (input.enabled !== undefined && typeof input.enabled !== 'boolean')
      return 'enabled must be a boolean';
    if (!isEnabled(input)) return null;
    // The route's DTO caps `url` too; the inline block of instance creation only comes here.
    if (typeof input.url === 'string' && input.url.length > MAX_WEBHOOK_URL_LENGTH)
      return `${fields.url} must be at most ${MAX_WEBHOOK_URL_LENGTH} characters`;
    const urlProblem = checkOutboundUrl(input.url, {
      field: fields.url,
      ...outboundPolicy(this.config.get('security', { infer: true })),
    });
    if (urlProblem) return urlProblem;
    if (
      input.authorization !== undefined &&
      input.authorization !== null &&
      typeof input.authorization !== 'string'
    ) {
      return `${fields.authorization} must be a string`;
    }
    if (typeof input.authorization === 'string' && input.authorization.length > 4096) {
      return `${fields.authorization} must be at most 4096 characters`;
    }
    if (typeof input.authorization === 'string' && /[\r\n]/.test(input.authorization)) {
      return `${fields.authorization} must not contain line breaks`;
    }
    if (input.byEvents !== undefined && typeof input.byEvents !== 'boolean')
      return `${fields.byEvents} must be a boolean`;
    if (input.mediaBase64 !== undefined && typeof input.mediaBase64 !== 'boolean') {
      return `${fields.mediaBase64} must be a boolean`;
    }
    return checkEventFilter(input.events, fields.events);
  }

  /**
   * Creates or completely overwrites the webhook `input.label` (default `default`) in the unit of
   * work, without flushing; call {@link check} first. A new webhook gets a signing secret (D6);
   * an existing one keeps its secret. `enabled: false` clears url, authorization, events and
   * mediaBase64. `isNew` skips the look-up for an instance not yet flushed.
   * @throws WebhookLimitError when it would leave more than three webhooks enabled
   * @throws WebhookDuplicateError when another enabled webhook has the same URL
   */
  async apply(instance: Instance, input: WebhookInput, isNew = false): Promise<Webhook> {
    const label = input.label || DEFAULT_WEBHOOK_LABEL;
    const enabled = isEnabled(input);
    const url = enabled ? String(input.url).trim() : null;
    const others = isNew
      ? []
      : await this.em.find(Webhook, { instance, label: { $ne: label }, enabled: true });
    if (enabled && others.length >= MAX_ENABLED_WEBHOOKS) throw new WebhookLimitError();
    if (enabled && others.some((other) => other.url === url)) throw new WebhookDuplicateError();

    let row = isNew ? null : await this.em.findOne(Webhook, { instance, label });
    if (!row) {
      row = this.em.create(Webhook, { instance, label, secretCipher: '' });
      row.secretCipher = this.box.seal(generateSigningSecret(), at(row, 'secret_cipher'));
    }
    row.enabled = enabled;
    row.url = url;
    row.byEvents = input.byEvents === true;
    row.events =
      enabled && Array.isArray(input.events) ? [...new Set(input.events as string[])] : [];
    row.mediaBase64 = enabled && input.mediaBase64 === true;
    row.authorizationCipher =
      enabled && typeof input.authorization === 'string'
        ? this.box.sealNullable(input.authorization, at(row, 'authorization_cipher'))
        : null;
    return row;
  }

  /**
   * `POST /api/events/webhook/:instance`: validates, stores and flushes.
   * @throws ValidationFailedError `Invalid request body: <detail>`
   * @throws WebhookLimitError, WebhookDuplicateError, OperationFailedError `Failed to configure webhook`
   */
  async set(instance: Instance, input: WebhookInput): Promise<WebhookDto> {
    const problem = this.check(input, ROUTE_FIELDS);
    if (problem) {
      const field = problem.split(' ')[0];
      throw new ValidationFailedError(`Invalid request body: ${problem}`, [
        { field, message: problem },
      ]);
    }
    try {
      // A first configuration of the same label at the same moment: the later one overwrites.
      return await retryAfterInsertRace(this.em, async () => {
        const row = await this.apply(instance, input);
        await this.em.flush();
        return this.toDto(row);
      });
    } catch (error) {
      if (error instanceof DomainError) throw error;
      if (error instanceof UniqueConstraintViolationException) throw new WebhookDuplicateError();
      throw new OperationFailedError('Failed to configure webhook', error);
    }
  }

  /** Every webhook of the instance, enabled and disabled, sorted by label. */
  async list(instance: Instance): Promise<WebhookDto[]> {
    const rows = await this.em.find(Webhook, { instance }, { orderBy: { label: 'asc' } });
    return rows.map((row) => this.toDto(row));
  }

  /**
   * One webhook; an empty label means `default`.
   * @throws WebhookNotFoundError
   */
  async get(instance: Instance, label: string): Promise<WebhookDto> {
    return this.toDto(await this.find(instance, label));
  }

  /**
   * Replaces the signing secret; the previous one keeps signing for WEBHOOK_SECRET_GRACE_MS
   * (D6: 24 h), so receivers see both signatures meanwhile.
   * @throws WebhookNotFoundError
   */
  async rotateSecret(instance: Instance, label: string): Promise<RotatedSecretDto> {
    const row = await this.find(instance, label);
    const grace = this.config.get('webhook.secretGraceMs', { infer: true });
    const current = this.box.open(row.secretCipher, at(row, 'secret_cipher'));
    const secret = generateSigningSecret();
    row.previousSecretCipher =
      grace > 0 ? this.box.seal(current, at(row, 'previous_secret_cipher')) : null;
    row.previousSecretExpiresAt = grace > 0 ? new Date(Date.now() + grace) : null;
    row.secretCipher = this.box.seal(secret, at(row, 'secret_cipher'));
    await this.em.flush();
    return {
      label: row.label,
      secret,
      previousSecretExpiresAt: row.previousSecretExpiresAt?.toISOString() ?? null,
    };
  }

  /** The secrets that sign a delivery now: the current one, then the rotated-out one in its grace period. */
  signingSecrets(row: Webhook, now = new Date()): string[] {
    const secrets = [this.box.open(row.secretCipher, at(row, 'secret_cipher'))];
    if (
      row.previousSecretCipher &&
      row.previousSecretExpiresAt &&
      row.previousSecretExpiresAt > now
    )
      secrets.push(this.box.open(row.previousSecretCipher, at(row, 'previous_secret_cipher')));
    return secrets;
  }

  /** The decrypted `Authorization` value, or `null`. */
  authorization(row: Webhook): string | null {
    return this.box.openNullable(row.authorizationCipher, at(row, 'authorization_cipher'));
  }

  /** The `default` webhook summary of each instance (list endpoint), keyed by instance id. */
  async summaries(instances: Instance[]): Promise<Map<string, WebhookSummaryDto>> {
    const rows = await this.em.find(Webhook, {
      instance: { $in: instances.map((i) => i.id) },
      label: DEFAULT_WEBHOOK_LABEL,
    });
    return new Map(rows.map((row) => [row.instance.id, toWebhookSummary(row)]));
  }

  private async find(instance: Instance, label: string): Promise<Webhook> {
    const row = await this.em.findOne(Webhook, { instance, label: label || DEFAULT_WEBHOOK_LABEL });
    if (!row) throw new WebhookNotFoundError();
    return row;
  }

  private toDto(row: Webhook): WebhookDto {
    return {
      label: row.label,
      enabled: row.enabled,
      url: row.url,
      authorization: this.authorization(row),
      byEvents: row.byEvents,
      events: [...row.events],
      mediaBase64: row.mediaBase64,
      secret: this.box.open(row.secretCipher, at(row, 'secret_cipher')),
    };
  }
}
