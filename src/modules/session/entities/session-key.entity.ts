import { Entity, Index, ManyToOne, Property, Unique } from '@mikro-orm/decorators/legacy';
import { BaseEntity } from '@wharf/database/base.entity';
import { Instance } from '@wharf/modules/instance/entities/instance.entity';

/**
 * One Signal key of an instance's session (pre-key, session, sender-key, app-state key…),
 * encrypted (D11). The row id is derived from `(instance, type, keyId)` so the additional data
 * of its ciphertext stays stable across updates.
 */
@Entity({ tableName: 'session_key' })
@Unique({ properties: ['instance', 'type', 'keyId'] })
@Index({ properties: ['instance', 'type'] })
export class SessionKey extends BaseEntity {
  @ManyToOne(() => Instance, { deleteRule: 'cascade', updateRule: 'cascade' })
  instance: Instance;

  @Property({ type: 'string', length: 40 })
  type: string;

  @Property({ type: 'string', length: 255 })
  keyId: string;

  /** AAD `session_key.value_cipher.<id>`. */
  @Property({ type: 'text', hidden: true })
  valueCipher: string;
}
