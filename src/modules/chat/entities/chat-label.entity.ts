import { type Opt } from '@mikro-orm/core';
import { Entity, ManyToOne, Property, Unique } from '@mikro-orm/decorators/legacy';
import { BaseEntity } from '@wharf/database/base.entity';
import { Instance } from '@wharf/modules/instance/entities/instance.entity';

/**
 * A WhatsApp Business label of an instance's account (docs/API.md §3.3 tag routes), as the
 * account's app state last said (`labels.edit`, from Wharf's own writes or the phone). WhatsApp
 * lets no device query labels, so this table is the list. A deleted label keeps its row
 * (`deleted`) so its id is never handed out again (ids are max+1, docs/API.md POST tag).
 */
@Entity({ tableName: 'chat_label' })
@Unique({ properties: ['instance', 'labelId'] })
export class ChatLabel extends BaseEntity {
  @ManyToOne(() => Instance, { deleteRule: 'cascade', updateRule: 'cascade' })
  instance: Instance;

  /** WhatsApp's label id within the account (a decimal string). */
  @Property({ type: 'string', length: 32 })
  labelId: string;

  @Property({ type: 'string', length: 255 })
  name: Opt<string> = '';

  /** Palette index (docs/API.md §3.3 colour table). */
  @Property({ type: 'integer' })
  color: Opt<number> = 0;

  /** Id of a WhatsApp predefined label, when it is one. */
  @Property({ type: 'string', length: 32, nullable: true })
  predefinedId: string | null = null;

  @Property({ type: 'boolean' })
  deleted: Opt<boolean> = false;
}
