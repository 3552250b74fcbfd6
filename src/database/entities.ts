import { Account } from '@wharf/modules/account/entities/account.entity';
import { ChatLabel } from '@wharf/modules/chat/entities/chat-label.entity';
import { ChatLabelAssignment } from '@wharf/modules/chat/entities/chat-label-assignment.entity';
import { ChatState } from '@wharf/modules/chat/entities/chat-state.entity';
import { Contact } from '@wharf/modules/chat/entities/contact.entity';
import { EventLog } from '@wharf/modules/events/entities/event-log.entity';
import { Instance } from '@wharf/modules/instance/entities/instance.entity';
import { Message } from '@wharf/modules/messaging/entities/message.entity';
import { ProxyConfig } from '@wharf/modules/proxy/entities/proxy-config.entity';
import { SessionCredentials } from '@wharf/modules/session/entities/session-credentials.entity';
import { SessionKey } from '@wharf/modules/session/entities/session-key.entity';
import { InstanceSettings } from '@wharf/modules/settings/entities/instance-settings.entity';
import { S3Config } from '@wharf/modules/storage/entities/s3-config.entity';
import { Webhook } from '@wharf/modules/webhook/entities/webhook.entity';
import { WebhookDelivery } from '@wharf/modules/webhook/entities/webhook-delivery.entity';
import { WebsocketConfig } from '@wharf/modules/websocket/entities/websocket-config.entity';

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
  ChatLabel,
  ChatLabelAssignment,
  ChatState,
  Contact,
];
