import { Module } from '@nestjs/common';
import { createQueue } from '@wharf/common/queue/create-queue';
import { MediaModule } from '@wharf/modules/media/media.module';

import { WEBHOOK_DELIVERY_QUEUE } from './webhook.constants';
import { WebhookController } from './webhook.controller';
import { WebhookDispatcher } from './webhook.dispatcher';
import { WebhookMetrics } from './webhook.metrics';
import { WebhookService } from './webhook.service';
import { WebhookDeliveryProcessor } from './webhook-delivery.processor';
import { WebhookDeliveryQueue } from './webhook-delivery.queue';
import { WebhookDeliveryService } from './webhook-delivery.service';
import { WebhookDeliverySweeper } from './webhook-delivery.sweeper';
import { WebhookHttpClient } from './webhook-http.client';

/**
 * Webhooks (docs/API.md §2.3, §3.9; D6): configuration routes, the dispatcher that turns events into
 * deliveries, the `webhook-delivery` queue and its processor, the sweeper and the deliveries API.
 */
@Module({
  imports: [
    MediaModule,
    createQueue(WEBHOOK_DELIVERY_QUEUE, (config) => {
      const lock = config.get('webhook.jobLockMs', { infer: true });
      return { settings: { lockDuration: lock, stalledInterval: lock, maxStalledCount: 5 } };
    }),
  ],
  controllers: [WebhookController],
  providers: [
    WebhookService,
    WebhookDeliveryService,
    WebhookDeliveryQueue,
    WebhookDispatcher,
    WebhookHttpClient,
    WebhookDeliveryProcessor,
    WebhookDeliverySweeper,
    WebhookMetrics,
  ],
  exports: [WebhookService],
})
export class WebhookModule {}
