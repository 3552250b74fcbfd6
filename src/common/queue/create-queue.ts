import { BullModule } from '@nestjs/bull';
import type { DynamicModule } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import type { AllConfig } from '@wharf/config';
import Bull, { type Queue, type QueueOptions } from 'bull';

import { bullRedisOptions } from '../redis/redis-outage';

/**
 * A queue's own Bull options (job defaults, lock settings, limiter): everything but the
 * connection and the key prefix, which every Wharf queue shares.
 */
export type QueueDefaults = Omit<QueueOptions, 'redis' | 'prefix' | 'createClient'>;

/**
 * The Bull options of a Wharf queue: `REDIS_URL`, the key prefix `<REDIS_KEY_PREFIX>bull` (an
 * unprefixed queue would be shared by every deployment on the same Redis) and the queue's own
 * `defaults`, plus the bounded reconnect of {@link bullRedisOptions} (issue 11: a queue's worker
 * is idle at most about 2 s after Redis returns). The connection is given per queue because the
 * shared `BullModule.forRootAsync` options are not reliably merged into async queue options
 * (@nestjs/bull 11).
 */
export function queueOptions(
  config: ConfigService<AllConfig, true>,
  defaults: QueueDefaults = {},
): QueueOptions & { url: string } {
  const outage = bullRedisOptions();
  return {
    ...defaults,
    redis: outage.redis,
    settings: { ...outage.settings, ...defaults.settings },
    url: config.get('redis.url', { infer: true }),
    prefix: `${config.get('redis.keyPrefix', { infer: true })}bull`,
  };
}

/**
 * Registers the queue `name` in a Nest module (docs/CONVENTIONS.md §8), injected with
 * `@InjectQueue(name)`: `imports: [createQueue(WEBHOOK_DELIVERY_QUEUE, (config) => ({ … }))]`.
 * `defaults` reads the configuration (e.g. lock durations) when the module is built.
 */
export function createQueue(
  name: string,
  defaults: (config: ConfigService<AllConfig, true>) => QueueDefaults = () => ({}),
): DynamicModule {
  return BullModule.registerQueueAsync({
    name,
    inject: [ConfigService],
    useFactory: (config: ConfigService<AllConfig, true>) => queueOptions(config, defaults(config)),
  });
}

/**
 * Opens a queue whose name is known only at run time (`outbound:<ownerId>`, D14, D20) with the
 * same connection and prefix as {@link createQueue}. The caller closes it.
 */
export function openQueue<T>(
  config: ConfigService<AllConfig, true>,
  name: string,
  defaults: QueueDefaults = {},
): Queue<T> {
  const { url, ...options } = queueOptions(config, defaults);
  return new Bull<T>(name, url, options);
}
