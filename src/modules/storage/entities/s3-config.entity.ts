import { type Opt } from '@mikro-orm/core';
import { Entity, OneToOne, Property } from '@mikro-orm/decorators/legacy';
import { BaseEntity } from '@wharf/database/base.entity';
import { Instance } from '@wharf/modules/instance/entities/instance.entity';

/** Per-instance S3 media storage (docs/API.md §3.1 s3); the secret key is encrypted (D11). */
@Entity({ tableName: 's3_config' })
export class S3Config extends BaseEntity {
  @OneToOne(() => Instance, { owner: true, deleteRule: 'cascade', updateRule: 'cascade', unique: true })
  instance: Instance;

  @Property({ type: 'boolean' })
  enabled: Opt<boolean> = false;

  @Property({ type: 'string', length: 64, nullable: true })
  region: string | null = null;

  @Property({ type: 'string', length: 255, nullable: true })
  bucket: string | null = null;

  @Property({ type: 'string', length: 255, nullable: true })
  accessKey: string | null = null;

  /** AAD `s3_config.secret_key_cipher.<id>`. */
  @Property({ type: 'text', nullable: true, hidden: true })
  secretKeyCipher: string | null = null;

  /** Empty or null means AWS. */
  @Property({ type: 'text', nullable: true })
  endpoint: string | null = null;

  @Property({ type: 'string', length: 255, nullable: true })
  pathPrefix: string | null = null;
}
