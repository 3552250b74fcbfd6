import { EntityManager } from '@mikro-orm/core';
import { Injectable } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';

import { generateSigningSecret, SecretBox } from '../../common/crypto';
import { checkOutboundUrl } from '../../common/http/url-guard';
import type { AllConfig } from '../../config';
import { checkEventFilter } from '../events/event-names';
import type { Instance } from '../instance/entities/instance.entity';
import { WebhookSummaryDto } from './dto/webhook.dto';
import { Webhook } from './entities/webhook.entity';

/** Most webhooks enabled at once per instance (API.md §2.3). */
export const MAX_ENABLED_WEBHOOKS = 3;
export const DEFAULT_WEBHOOK_LABEL = 'default';

export interface WebhookInput {
  label?: string;
  url?: unknown;
  authorization?: unknown;
  byEvents?: unknown;
  events?: unknown;
  mediaBase64?: unknown;
}

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

/**
 * Webhook configuration storage (API.md §3.9, D6, D11). This issue creates the `default` webhook
 * from the inline block of instance creation; the events issue adds the routes and delivery.
 */
@Injectable()
export class WebhookService {
  constructor(
    private readonly em: EntityManager,
    private readonly box: SecretBox,
    private readonly config: ConfigService<AllConfig, true>,
  ) {}

  /** @returns an error text for an invalid enabled webhook, or `null` */
  check(input: WebhookInput): string | null {
    const urlProblem = checkOutboundUrl(input.url, {
      field: 'webhookURL',
      allowPrivate: this.config.get('security.allowPrivateTargets', { infer: true }),
    });
    if (urlProblem) return urlProblem;
    if (
      input.authorization !== undefined &&
      input.authorization !== null &&
      typeof input.authorization !== 'string'
    ) {
      return 'webhookAuthorization must be a string';
    }
    if (typeof input.authorization === 'string' && input.authorization.length > 4096) {
      return 'webhookAuthorization must be at most 4096 characters';
    }
    if (input.byEvents !== undefined && typeof input.byEvents !== 'boolean')
      return 'webhookByEvents must be a boolean';
    if (input.mediaBase64 !== undefined && typeof input.mediaBase64 !== 'boolean') {
      return 'webhookMediaBase64 must be a boolean';
    }
    return checkEventFilter(input.events, 'webhookEvents');
  }

  /** Creates an enabled webhook with a new signing secret (D6); call {@link check} first. */
  create(instance: Instance, input: WebhookInput): Webhook {
    const row = this.em.create(Webhook, {
      instance,
      label: input.label ?? DEFAULT_WEBHOOK_LABEL,
      enabled: true,
      url: String(input.url).trim(),
      byEvents: input.byEvents === true,
      events: Array.isArray(input.events) ? [...new Set(input.events as string[])] : [],
      mediaBase64: input.mediaBase64 === true,
      secretCipher: '',
    });
    row.secretCipher = this.box.seal(generateSigningSecret(), {
      table: 'webhook',
      column: 'secret_cipher',
      rowId: row.id,
    });
    row.authorizationCipher =
      typeof input.authorization === 'string'
        ? this.box.sealNullable(input.authorization, {
            table: 'webhook',
            column: 'authorization_cipher',
            rowId: row.id,
          })
        : null;
    return row;
  }

  /** The `default` webhook summary of each instance (list endpoint), keyed by instance id. */
  async summaries(instances: Instance[]): Promise<Map<string, WebhookSummaryDto>> {
    const rows = await this.em.find(Webhook, {
      instance: { $in: instances.map((i) => i.id) },
      label: DEFAULT_WEBHOOK_LABEL,
    });
    return new Map(rows.map((row) => [row.instance.id, toWebhookSummary(row)]));
  }
}
