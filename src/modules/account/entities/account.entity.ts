import { type Opt } from '@mikro-orm/core';
import { Entity, Property, Unique } from '@mikro-orm/decorators/legacy';

import { BaseEntity } from '../../../database/base.entity';

/** An operator-created tenant (D4). Its TokenAccount is stored only as a SHA-256 hash (D3). */
@Entity({ tableName: 'account' })
export class Account extends BaseEntity {
  @Property({ type: 'string', length: 200 })
  name: string;

  /** SHA-256 hex of the TokenAccount. */
  @Unique()
  @Property({ type: 'string', length: 64, hidden: true })
  tokenHash: string;

  /** Most instances the account may own; `null` means unlimited. */
  @Property({ type: 'integer', nullable: true })
  instanceLimit: number | null = null;

  @Property({ type: 'boolean' })
  disabled: Opt<boolean> = false;
}
