import { Account } from '../modules/account/entities/account.entity';
import { EventLog } from '../modules/events/entities/event-log.entity';
import { Instance } from '../modules/instance/entities/instance.entity';
import { Message } from '../modules/messaging/entities/message.entity';
import { ProxyConfig } from '../modules/proxy/entities/proxy-config.entity';
import { SessionCredentials } from '../modules/session/entities/session-credentials.entity';
import { SessionKey } from '../modules/session/entities/session-key.entity';
import { InstanceSettings } from '../modules/settings/entities/instance-settings.entity';
import { S3Config } from '../modules/storage/entities/s3-config.entity';
import { Webhook } from '../modules/webhook/entities/webhook.entity';
import { WebhookDelivery } from '../modules/webhook/entities/webhook-delivery.entity';
import { WebsocketConfig } from '../modules/websocket/entities/websocket-config.entity';

/** Every entity, listed explicitly so discovery works the same from TypeScript and compiled JS. */
export const ENTITIES = [
  Account,
  Instance,
  InstanceSettings,
  ProxyConfig,
  S3Config,
  Webhook,
  WebsocketConfig,
  SessionCredentials,
  SessionKey,
  EventLog,
  Message,
  WebhookDelivery,
];
