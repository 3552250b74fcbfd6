import { Entity, Index, ManyToOne, Property, Unique } from '@mikro-orm/decorators/legacy';
import { BaseEntity } from '@wharf/database/base.entity';
import { Instance } from '@wharf/modules/instance/entities/instance.entity';

/**
 * A label applied to a chat (`labels.association`, docs/API.md §3.3 assignTag and
 * contactsByLabel). One row per (label, chat); removing the label from the chat deletes it.
 */
@Entity({ tableName: 'chat_label_assignment' })
@Unique({ properties: ['instance', 'labelId', 'chatJid'] })
@Index({ properties: ['instance', 'chatJid'] })
export class ChatLabelAssignment extends BaseEntity {
  @ManyToOne(() => Instance, { deleteRule: 'cascade', updateRule: 'cascade' })
  instance: Instance;

  @Property({ type: 'string', length: 32 })
  labelId: string;

  @Property({ type: 'string', length: 120 })
  chatJid: string;
}
