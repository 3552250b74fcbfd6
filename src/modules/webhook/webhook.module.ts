import { BullModule } from '@nestjs/bull';
import { Module } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';

import { bullRedisOptions } from '../../common/redis/redis-outage';
import type { AllConfig } from '../../config';
import { MediaModule } from '../media/media.module';
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
 * Webhooks (API.md §2.3, §3.9; D6): configuration routes, the dispatcher that turns events into
 * deliveries, the `webhook-delivery` queue and its processor, the sweeper and the deliveries API.
 */
@Module({
  imports: [
    MediaModule,
    BullModule.registerQueueAsync({
      name: WEBHOOK_DELIVERY_QUEUE,
      inject: [ConfigService],
      useFactory: (config: ConfigService<AllConfig, true>) => {
        const lock = config.get('webhook.jobLockMs', { infer: true });
        // Connection and prefix repeated here: the shared BullModule.forRootAsync options are not
        // reliably merged into async queue options (@nestjs/bull 11), and an unprefixed queue
        // would be shared by every Wharf deployment on the same Redis.
        const outage = bullRedisOptions();
        return {
          ...outage,
          url: config.get('redis.url', { infer: true }),
          prefix: `${config.get('redis.keyPrefix', { infer: true })}bull`,
          settings: {
            ...outage.settings,
            lockDuration: lock,
            stalledInterval: lock,
            maxStalledCount: 5,
          },
        };
      },
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
