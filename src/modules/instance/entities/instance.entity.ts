import { type Opt } from '@mikro-orm/core';
import { Entity, ManyToOne, Property, Unique } from '@mikro-orm/decorators/legacy';
import { BaseEntity } from '@wharf/database/base.entity';
import { Account } from '@wharf/modules/account/entities/account.entity';

/** Connection states of §1.9 / D10. */
export const INSTANCE_STATES = [
  'disconnected',
  'connecting',
  'connected',
  'loggedout',
  'banned',
] as const;
export type InstanceState = (typeof INSTANCE_STATES)[number];

/**
 * One WhatsApp number of an account. Names are unique within the account (D4). The TokenInstance
 * is kept encrypted (recoverable, D3) next to a keyed digest used for look-up.
 */
@Entity({ tableName: 'instance' })
@Unique({ properties: ['account', 'name'] })
export class Instance extends BaseEntity {
  @ManyToOne(() => Account, { deleteRule: 'cascade', updateRule: 'cascade' })
  account: Account;

  @Property({ type: 'string', length: 100 })
  name: string;

  /** HMAC-SHA256 hex of the TokenInstance (D3). */
  @Unique()
  @Property({ type: 'string', length: 64, hidden: true })
  tokenDigest: string;

  /** TokenInstance sealed with AES-GCM (D11), AAD `instance.token_cipher.<id>`. */
  @Property({ type: 'text', hidden: true })
  tokenCipher: string;

  @Property({ type: 'string', length: 20 })
  state: Opt<InstanceState> = 'disconnected';

  /** Why the state last changed (D7 `reason`), e.g. `logged_out`. */
  @Property({ type: 'string', length: 40, nullable: true })
  stateReason: string | null = null;

  @Property({ type: 'string', length: 120, nullable: true })
  numberJid: string | null = null;

  @Property({ type: 'string', length: 120, nullable: true })
  lid: string | null = null;

  @Property({ type: 'string', length: 200, nullable: true })
  profileName: string | null = null;

  @Property({ type: 'text', nullable: true })
  profilePictureUrl: string | null = null;

  @Property({ type: 'boolean' })
  isBusiness: Opt<boolean> = false;

  @Property({ type: 'string', length: 200, nullable: true })
  businessName: string | null = null;
}
