import { type Opt } from '@mikro-orm/core';
import { Entity, OneToOne, Property } from '@mikro-orm/decorators/legacy';
import { BaseEntity } from '@wharf/database/base.entity';
import { Instance } from '@wharf/modules/instance/entities/instance.entity';

export const PROXY_PROTOCOLS = ['http', 'https', 'socks5'] as const;
export type ProxyProtocol = (typeof PROXY_PROTOCOLS)[number];

/** The instance's own proxy (docs/API.md §3.1 proxy); the password is encrypted (D11). */
@Entity({ tableName: 'proxy_config' })
export class ProxyConfig extends BaseEntity {
  @OneToOne(() => Instance, { owner: true, deleteRule: 'cascade', updateRule: 'cascade', unique: true })
  instance: Instance;

  @Property({ type: 'boolean' })
  enabled: Opt<boolean> = false;

  @Property({ type: 'string', length: 255, nullable: true })
  host: string | null = null;

  /** Port as the API carries it: a string of digits. */
  @Property({ type: 'string', length: 5, nullable: true })
  port: string | null = null;

  @Property({ type: 'string', length: 10, nullable: true })
  protocol: ProxyProtocol | null = null;

  @Property({ type: 'string', length: 255, nullable: true })
  username: string | null = null;

  /** AAD `proxy_config.password_cipher.<id>`. */
  @Property({ type: 'text', nullable: true, hidden: true })
  passwordCipher: string | null = null;
}
