import { type Opt } from '@mikro-orm/core';
import { Entity, Property, Unique } from '@mikro-orm/decorators/legacy';
import { BaseEntity } from '@wharf/database/base.entity';

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

  /**
   * When `DELETE /api/admin/accounts/:id` was accepted (issue 11); `null` while the account lives.
   * From then on its tokens and its instances' tokens are refused and a background deletion
   * removes its instances in chunks, then this row (AccountDeletionService).
   */
  @Property({ type: 'datetime', length: 3, nullable: true })
  deletionRequestedAt: Date | null = null;

  /** How many instances the account had when its deletion was accepted (progress, issue 11). */
  @Property({ type: 'integer', nullable: true })
  deletionTotal: number | null = null;
}
