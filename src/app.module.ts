import { MikroOrmModule } from '@mikro-orm/nestjs';
import { ThrottlerStorageRedisService } from '@nest-lab/throttler-storage-redis';
import { BullModule } from '@nestjs/bull';
import { DynamicModule, Module } from '@nestjs/common';
import { ConfigModule, ConfigService } from '@nestjs/config';
import { APP_FILTER, APP_GUARD, APP_PIPE } from '@nestjs/core';
import { ThrottlerModule } from '@nestjs/throttler';
import type Redis from 'ioredis';
import { LoggerModule } from 'nestjs-pino';

import { AuthGuard } from './common/auth/auth.guard';
import { AuthModule } from './common/auth/auth.module';
import { CryptoModule } from './common/crypto/crypto.module';
import { AllExceptionsFilter } from './common/errors/all-exceptions.filter';
import { loggerOptions } from './common/http/logger.options';
import { MetricsModule } from './common/metrics/metrics.module';
import { queueOptions } from './common/queue/create-queue';
import { RateLimitGuard } from './common/rate-limit/rate-limit.guard';
import { REDIS, RedisModule } from './common/redis/redis.module';
import { WharfValidationPipe } from './common/validation/validation.pipe';
import { AllConfig, configLoaders } from './config';
import { buildOrmOptions, ormDriver } from './database/mikro-orm.config';
import { AccountModule } from './modules/account/account.module';
import { CallModule } from './modules/call/call.module';
import { ChatModule } from './modules/chat/chat.module';
import { EventsModule } from './modules/events/events.module';
import { HealthModule } from './modules/health/health.module';
import { InstanceModule } from './modules/instance/instance.module';
import { MessagingModule } from './modules/messaging/messaging.module';
import { PresenceModule } from './modules/presence/presence.module';
import { WebhookModule } from './modules/webhook/webhook.module';

@Module({
  imports: [
    ConfigModule.forRoot({ isGlobal: true, ignoreEnvFile: true, load: configLoaders, cache: true }),
    LoggerModule.forRootAsync({
      inject: [ConfigService],
      useFactory: (config: ConfigService<AllConfig, true>) =>
        loggerOptions(config.get('app', { infer: true })),
    }),
    RedisModule,
    ThrottlerModule.forRootAsync({
      inject: [REDIS],
      useFactory: (redis: Redis) => ({
        throttlers: [{ name: 'global', ttl: 60_000, limit: 100 }],
        storage: new ThrottlerStorageRedisService(redis),
      }),
    }),
    BullModule.forRootAsync({
      inject: [ConfigService],
      useFactory: (config: ConfigService<AllConfig, true>) => queueOptions(config),
    }),
    CryptoModule,
    AuthModule,
    MetricsModule,
    EventsModule,
    HealthModule,
    InstanceModule,
    AccountModule,
    MessagingModule,
    ChatModule,
    WebhookModule,
    CallModule,
    PresenceModule,
  ],
  providers: [
    { provide: APP_GUARD, useClass: RateLimitGuard },
    { provide: APP_GUARD, useClass: AuthGuard },
    { provide: APP_PIPE, useClass: WharfValidationPipe },
    { provide: APP_FILTER, useClass: AllExceptionsFilter },
  ],
})
export class AppModule {
  /** The root module for a validated configuration (the ORM driver depends on the dialect, D19). */
  static register(config: AllConfig): DynamicModule {
    return {
      module: AppModule,
      imports: [
        MikroOrmModule.forRootAsync({
          driver: ormDriver(config.database.dialect),
          inject: [ConfigService],
          useFactory: (service: ConfigService<AllConfig, true>) =>
            buildOrmOptions(service.get('database', { infer: true })),
        }),
      ],
    };
  }
}
