import { type Opt } from '@mikro-orm/core';
import { Entity, Index, ManyToOne, Property, Unique } from '@mikro-orm/decorators/legacy';
import { BaseEntity } from '@wharf/database/base.entity';
import { Instance } from '@wharf/modules/instance/entities/instance.entity';

/**
 * The app-state flags of one chat of an instance (archive, pin, mute, unread; docs/API.md §3.3),
 * as the account's devices last synced them (`chats.update`). A deleted chat (`chats.delete`)
 * loses its row. The pin limit of 3 is counted here (WhatsApp enforces none a client can see).
 */
@Entity({ tableName: 'chat_state' })
@Unique({ properties: ['instance', 'chatJid'] })
@Index({ properties: ['instance', 'pinnedAt'] })
export class ChatState extends BaseEntity {
  @ManyToOne(() => Instance, { deleteRule: 'cascade', updateRule: 'cascade' })
  instance: Instance;

  @Property({ type: 'string', length: 120 })
  chatJid: string;

  @Property({ type: 'boolean' })
  archived: Opt<boolean> = false;

  /** When the chat was pinned; null when not pinned. */
  @Property({ type: 'datetime', length: 3, nullable: true })
  pinnedAt: Date | null = null;

  /** When the mute ends; null when not muted or muted forever (see `mutedForever`). */
  @Property({ type: 'datetime', length: 3, nullable: true })
  mutedUntil: Date | null = null;

  @Property({ type: 'boolean' })
  mutedForever: Opt<boolean> = false;

  /** Marked unread, or has unread messages. */
  @Property({ type: 'boolean' })
  unread: Opt<boolean> = false;
}
