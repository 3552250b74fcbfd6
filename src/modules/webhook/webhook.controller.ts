import { Body, Get, Post, Query } from '@nestjs/common';
import { InstanceParam } from '@wharf/common/auth/auth.decorator';
import { InstanceController } from '@wharf/common/auth/instance-controller.decorator';
import { OperationFailedError, ValidationFailedError } from '@wharf/common/errors';
import { ApiErrors } from '@wharf/common/openapi/api-errors.decorator';
import { ApiSuccess } from '@wharf/common/openapi/api-success.decorator';
import type { Instance } from '@wharf/modules/instance/entities/instance.entity';

import {
  DeliveryListResponseDto,
  GetWebhookQueryDto,
  ListDeliveriesQueryDto,
  RetryDeliveriesDto,
  RetryDeliveriesResponseDto,
  RotateSecretQueryDto,
  RotateSecretResponseDto,
  SetWebhookDto,
  WebhookListResponseDto,
  WebhookResponseDto,
} from './dto/webhook.dto';
import { EXAMPLE_DELIVERY, EXAMPLE_WEBHOOK } from './dto/webhook.examples';
import { WebhookDuplicateError, WebhookLimitError, WebhookNotFoundError } from './webhook.errors';
import { WebhookService } from './webhook.service';
import { WebhookDeliveryService } from './webhook-delivery.service';

const count = (n: number, one: string, many: string) => `${n} ${n === 1 ? one : many}`;

/** Webhook configuration (docs/API.md §3.9) and the deliveries extension (D6). */
@InstanceController('api/events', { tag: 'Events' })
export class WebhookController {
  constructor(
    private readonly webhooks: WebhookService,
    private readonly deliveries: WebhookDeliveryService,
  ) {}

  @Post('webhook/:instance')
  @ApiSuccess({
    summary: 'Create, update or disable a webhook',
    description:
      'Upsert by `label` (default `default`): an existing label is overwritten completely. `enabled: false` clears `url`, `authorization`, `events` and `mediaBase64` and keeps the webhook and its signing secret. At most 3 webhooks can be enabled per instance. `url` must be http(s) and, unless `ALLOW_PRIVATE_TARGETS=true`, not a private or loopback address (D12). `secret` is the Standard Webhooks signing secret (D6).',
    type: WebhookResponseDto,
    example: {
      success: true,
      message: 'Webhook configured successfully',
      webhook: EXAMPLE_WEBHOOK,
    },
  })
  @ApiErrors(ValidationFailedError, WebhookLimitError, WebhookDuplicateError, {
    ...OperationFailedError,
    literal: 'Failed to configure webhook',
    name: 'ConfigureFailed',
  })
  async set(
    @InstanceParam() instance: Instance,
    @Body() body: SetWebhookDto,
  ): Promise<WebhookResponseDto> {
    const webhook = await this.webhooks.set(instance, body);
    return {
      success: true,
      message: webhook.enabled
        ? 'Webhook configured successfully'
        : 'Webhook disabled successfully',
      webhook,
    };
  }

  @Get(['getWebhook/:instance', 'webhook/:instance'])
  @ApiSuccess({
    summary: 'List webhooks, or read one with ?label=',
    description:
      'Without `label`: every webhook, enabled and disabled, sorted by label, in `webhooks`. With `label` (an empty value means `default`): that webhook in `webhook`, 404 when unknown. `authorization` is returned in clear; `secret` is the signing secret (D6).',
    type: WebhookListResponseDto,
    example: { success: true, message: '1 Webhook found', webhooks: [EXAMPLE_WEBHOOK] },
  })
  @ApiErrors(WebhookNotFoundError, ValidationFailedError)
  async get(
    @InstanceParam() instance: Instance,
    @Query() query: GetWebhookQueryDto,
  ): Promise<WebhookListResponseDto | WebhookResponseDto> {
    if (query.label !== undefined) {
      return {
        success: true,
        message: 'Webhook retrieved successfully',
        webhook: await this.webhooks.get(instance, query.label),
      };
    }
    const webhooks = await this.webhooks.list(instance);
    return {
      success: true,
      message: `${count(webhooks.length, 'Webhook', 'Webhooks')} found`,
      webhooks,
    };
  }

  @Post('webhook/:instance/rotateSecret')
  @ApiSuccess({
    summary: 'New signing secret for a webhook (extension, D6)',
    description:
      '`?label=` names the webhook (empty or omitted: `default`). The previous secret keeps signing for 24 h: deliveries carry both signatures in `webhook-signature`, space-separated.',
    type: RotateSecretResponseDto,
    example: {
      success: true,
      message: 'Webhook secret rotated',
      webhook: {
        label: 'crm',
        secret: 'whsec_n3wS3cr3tn3wS3cr3tn3wS3cr3tn3wS3cr3tAAAA=',
        previousSecretExpiresAt: '2026-04-29T10:30:00.000Z',
      },
    },
  })
  @ApiErrors(WebhookNotFoundError, ValidationFailedError)
  async rotateSecret(
    @InstanceParam() instance: Instance,
    @Query() query: RotateSecretQueryDto,
  ): Promise<RotateSecretResponseDto> {
    return {
      success: true,
      message: 'Webhook secret rotated',
      webhook: await this.webhooks.rotateSecret(instance, query.label ?? ''),
    };
  }

  @Get('deliveries/:instance')
  @ApiSuccess({
    summary: 'Webhook delivery records (extension, D6)',
    description:
      'Newest first. Filters: `label`, `status` (`pending` | `succeeded` | `failed` | `dead`), `event`, `from`/`to` (ISO-8601, on creation time). Cursor pagination: pass `nextCursor` as `cursor`; `limit` 1–500 (default 50).',
    type: DeliveryListResponseDto,
    example: {
      success: true,
      message: '1 Delivery found',
      deliveries: [EXAMPLE_DELIVERY],
      nextCursor: null,
    },
  })
  @ApiErrors(ValidationFailedError, {
    ...OperationFailedError,
    literal: 'Failed to get webhook deliveries',
    name: 'DeliveriesFailed',
  })
  async listDeliveries(
    @InstanceParam() instance: Instance,
    @Query() query: ListDeliveriesQueryDto,
  ): Promise<DeliveryListResponseDto> {
    const page = await this.deliveries.list(instance, query);
    return {
      success: true,
      message: `${count(page.deliveries.length, 'Delivery', 'Deliveries')} found`,
      ...page,
    };
  }

  @Post('deliveries/:instance/retry')
  @ApiSuccess({
    summary: 'Replay webhook deliveries (extension, D6)',
    description:
      '`{ "ids": [...] }` replays those deliveries (any status but `pending`; unknown ids are skipped), `{ "status": "dead" }` every dead one. Each starts a fresh retry schedule now.',
    type: RetryDeliveriesResponseDto,
    example: {
      success: true,
      message: '1 Delivery queued for retry',
      ids: [EXAMPLE_DELIVERY.id],
    },
  })
  @ApiErrors(ValidationFailedError, {
    ...OperationFailedError,
    literal: 'Failed to retry webhook deliveries',
    name: 'RetryFailed',
  })
  async retryDeliveries(
    @InstanceParam() instance: Instance,
    @Body() body: RetryDeliveriesDto,
  ): Promise<RetryDeliveriesResponseDto> {
    const ids = await this.deliveries.retry(instance, body);
    return {
      success: true,
      message: `${count(ids.length, 'Delivery', 'Deliveries')} queued for retry`,
      ids,
    };
  }
}
