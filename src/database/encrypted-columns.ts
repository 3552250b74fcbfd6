import type { EntityClass } from '@mikro-orm/core';
import { Instance } from '@wharf/modules/instance/entities/instance.entity';
import { ProxyConfig } from '@wharf/modules/proxy/entities/proxy-config.entity';
import { SessionCredentials } from '@wharf/modules/session/entities/session-credentials.entity';
import { SessionKey } from '@wharf/modules/session/entities/session-key.entity';
import { S3Config } from '@wharf/modules/storage/entities/s3-config.entity';
import { Webhook } from '@wharf/modules/webhook/entities/webhook.entity';

/** One column holding a D11 ciphertext; `table.column.<id>` is its AES-GCM additional data. */
export interface EncryptedColumn {
  entity: EntityClass<{ id: string }>;
  property: string;
  table: string;
  column: string;
}

/** Every encrypted column (D11). The re-encryption command walks this list. */
export const ENCRYPTED_COLUMNS: EncryptedColumn[] = [
  { entity: Instance, property: 'tokenCipher', table: 'instance', column: 'token_cipher' },
  {
    entity: ProxyConfig,
    property: 'passwordCipher',
    table: 'proxy_config',
    column: 'password_cipher',
  },
  {
    entity: S3Config,
    property: 'secretKeyCipher',
    table: 's3_config',
    column: 'secret_key_cipher',
  },
  {
    entity: Webhook,
    property: 'authorizationCipher',
    table: 'webhook',
    column: 'authorization_cipher',
  },
  { entity: Webhook, property: 'secretCipher', table: 'webhook', column: 'secret_cipher' },
  {
    entity: Webhook,
    property: 'previousSecretCipher',
    table: 'webhook',
    column: 'previous_secret_cipher',
  },
  {
    entity: SessionCredentials,
    property: 'credsCipher',
    table: 'session_credentials',
    column: 'creds_cipher',
  },
  { entity: SessionKey, property: 'valueCipher', table: 'session_key', column: 'value_cipher' },
];
