import { type Opt } from '@mikro-orm/core';
import { Entity, OneToOne, Property } from '@mikro-orm/decorators/legacy';
import { BaseEntity } from '@wharf/database/base.entity';
import { Instance } from '@wharf/modules/instance/entities/instance.entity';

/**
 * The WhatsApp credentials (Baileys `creds`) of an instance, encrypted (D11), and the fencing
 * token of the session's current owner (D20): a write carrying a smaller token is refused.
 */
@Entity({ tableName: 'session_credentials' })
export class SessionCredentials extends BaseEntity {
  @OneToOne(() => Instance, { owner: true, deleteRule: 'cascade', updateRule: 'cascade', unique: true })
  instance: Instance;

  /** AAD `session_credentials.creds_cipher.<id>`; null until the first save. */
  @Property({ type: 'text', nullable: true, hidden: true })
  credsCipher: string | null = null;

  /** Whether the credentials belong to a linked device (creds.me is set). */
  @Property({ type: 'boolean' })
  registered: Opt<boolean> = false;

  /** Fencing token of the owner allowed to write (D20). */
  @Property({ type: 'integer', hidden: true })
  fence: Opt<number> = 0;
}
