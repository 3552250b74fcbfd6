/**
 * The event path of Wharf's AppModule only — config, database, Redis, Bull, crypto, metrics,
 * events and webhooks — as a Nest application context from the BUILT app (`dist/`). Burst and
 * rate publishers (test/webhook/publish-events.js, bench/support/publish-at-rate.js) run it in a
 * side process against the same database and Redis as a Wharf under test, so events go through
 * Wharf's own EventsService.publish; the caller sets WEBHOOK_DELIVERY_CONCURRENCY=0 so the Wharf
 * under test delivers. The HTTP and session modules are not needed to publish.
 */
require('reflect-metadata');
const { join } = require('node:path');

const dist = join(__dirname, '..', '..', 'dist', 'src');

/** `require` of a file of the built app, by its path under `dist/src`. */
const load = (...path) => require(join(dist, ...path));

/** Starts the publisher context; resolves with the initialised app (close it when done). */
async function createPublisherApp() {
  const { NestFactory } = require('@nestjs/core');
  const { Module } = require('@nestjs/common');
  const { ConfigModule, ConfigService } = require('@nestjs/config');
  const { BullModule } = require('@nestjs/bull');
  const { MikroOrmModule } = require('@mikro-orm/nestjs');
  const { configLoaders, loadAllConfig } = load('config', 'index.js');
  const { buildOrmOptions, ormDriver } = load('database', 'mikro-orm.config.js');
  const { RedisModule } = load('common', 'redis', 'redis.module.js');
  const { CryptoModule } = load('common', 'crypto', 'crypto.module.js');
  const { MetricsModule } = load('common', 'metrics', 'metrics.module.js');
  const { EventsModule } = load('modules', 'events', 'events.module.js');
  const { WebhookModule } = load('modules', 'webhook', 'webhook.module.js');

  const config = loadAllConfig();
  class PublisherModule {}
  Module({
    imports: [
      ConfigModule.forRoot({ isGlobal: true, ignoreEnvFile: true, load: configLoaders, cache: true }),
      MikroOrmModule.forRootAsync({
        driver: ormDriver(config.database.dialect),
        inject: [ConfigService],
        useFactory: (service) => buildOrmOptions(service.get('database')),
      }),
      RedisModule,
      BullModule.forRoot({ url: config.redis.url, prefix: `${config.redis.keyPrefix}bull` }),
      CryptoModule,
      MetricsModule,
      EventsModule,
      WebhookModule,
    ],
  })(PublisherModule);

  const app = await NestFactory.createApplicationContext(PublisherModule, { logger: false });
  await app.init();
  return app;
}

module.exports = { createPublisherApp, load };
