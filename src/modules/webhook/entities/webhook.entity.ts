import { type Opt } from '@mikro-orm/core';
import { Entity, ManyToOne, Property, Unique } from '@mikro-orm/decorators/legacy';
import { BaseEntity } from '@wharf/database/base.entity';
import { Instance } from '@wharf/modules/instance/entities/instance.entity';

/**
 * A webhook of an instance, identified by `(instance, label)` (docs/API.md §3.9). At most three are
 * enabled at once. `authorization` and the signing secret are encrypted (D6, D11).
 */
@Entity({ tableName: 'webhook' })
@Unique({ properties: ['instance', 'label'] })
export class Webhook extends BaseEntity {
  @ManyToOne(() => Instance, { deleteRule: 'cascade', updateRule: 'cascade' })
  instance: Instance;

  @Property({ type: 'string', length: 100 })
  label: Opt<string> = 'default';

  @Property({ type: 'boolean' })
  enabled: Opt<boolean> = true;

  @Property({ type: 'text', nullable: true })
  url: string | null = null;

  /** AAD `webhook.authorization_cipher.<id>`. */
  @Property({ type: 'text', nullable: true, hidden: true })
  authorizationCipher: string | null = null;

  @Property({ type: 'boolean' })
  byEvents: Opt<boolean> = false;

  /** Event names to deliver, order kept; empty = all six. */
  @Property({ type: 'json' })
  events: Opt<string[]> = [];

  @Property({ type: 'boolean' })
  mediaBase64: Opt<boolean> = false;

  /** AAD `webhook.secret_cipher.<id>`. */
  @Property({ type: 'text', hidden: true })
  secretCipher: string;

  /** The signing secret replaced by the last rotation (D6); AAD `webhook.previous_secret_cipher.<id>`. */
  @Property({ type: 'text', nullable: true, hidden: true })
  previousSecretCipher: string | null = null;

  /** Until when the previous secret still signs deliveries (rotation + 24 h, D6). */
  @Property({ type: 'datetime', length: 3, nullable: true })
  previousSecretExpiresAt: Date | null = null;
}
