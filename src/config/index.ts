import { AppConfig, appConfig, loadAppConfig } from './app.config';
import { DatabaseConfig, databaseConfig, loadDatabaseConfig } from './database.config';
import { DeletionConfig, deletionConfig, loadDeletionConfig } from './deletion.config';
import {
  InboundMediaConfig,
  inboundMediaConfig,
  loadInboundMediaConfig,
} from './inbound-media.config';
import { loadMediaConfig, MediaConfig, mediaConfig } from './media.config';
import { loadRateLimitConfig, RateLimitConfig, rateLimitConfig } from './rate-limit.config';
import { loadRedisConfig, RedisConfig, redisConfig } from './redis.config';
import { loadSecurityConfig, SecurityConfig, securityConfig } from './security.config';
import { loadSessionConfig, SessionConfig, sessionConfig } from './session.config';
import { loadWebhookConfig, WebhookConfig, webhookConfig } from './webhook.config';

export * from './app.config';
export * from './database.config';
export * from './deletion.config';
export { ConfigError, withEnvironment } from './env';
export * from './inbound-media.config';
export * from './media.config';
export * from './rate-limit.config';
export * from './redis.config';
export * from './security.config';
export * from './session.config';
export * from './webhook.config';

/** Every concern's configuration, as read by `ConfigService<AllConfig, true>`. */
export interface AllConfig {
  app: AppConfig;
  database: DatabaseConfig;
  redis: RedisConfig;
  security: SecurityConfig;
  rateLimit: RateLimitConfig;
  session: SessionConfig;
  webhook: WebhookConfig;
  inboundMedia: InboundMediaConfig;
  media: MediaConfig;
  deletion: DeletionConfig;
}

/** The `load` list of `ConfigModule.forRoot`. */
export const configLoaders = [
  appConfig,
  databaseConfig,
  redisConfig,
  securityConfig,
  rateLimitConfig,
  sessionConfig,
  webhookConfig,
  inboundMediaConfig,
  mediaConfig,
  deletionConfig,
];

/**
 * Reads and validates every concern at once; throws `ConfigError` (one line naming the
 * variable) on the first wrong value. Called before Nest starts so start-up fails cleanly.
 */
export function loadAllConfig(): AllConfig {
  return {
    app: loadAppConfig(),
    database: loadDatabaseConfig(),
    redis: loadRedisConfig(),
    security: loadSecurityConfig(),
    rateLimit: loadRateLimitConfig(),
    session: loadSessionConfig(),
    webhook: loadWebhookConfig(),
    inboundMedia: loadInboundMediaConfig(),
    media: loadMediaConfig(),
    deletion: loadDeletionConfig(),
  };
}
