import { Entity, ManyToOne, Property, Unique } from '@mikro-orm/decorators/legacy';
import { BaseEntity } from '@wharf/database/base.entity';
import { Instance } from '@wharf/modules/instance/entities/instance.entity';

/**
 * A contact of an instance's account (docs/API.md §3.3 GET contacts): the phone's address book as
 * app state syncs it (`contacts.upsert`) and the push names WhatsApp sends with messages
 * (`contacts.update`). Keyed by the JID WhatsApp used (a phone-number JID or a LID); both forms
 * are kept when known (D13).
 */
@Entity({ tableName: 'contact' })
@Unique({ properties: ['instance', 'jid'] })
export class Contact extends BaseEntity {
  @ManyToOne(() => Instance, { deleteRule: 'cascade', updateRule: 'cascade' })
  instance: Instance;

  @Property({ type: 'string', length: 120 })
  jid: string;

  @Property({ type: 'string', length: 120, nullable: true })
  lid: string | null = null;

  /** Phone-number JID (`…@s.whatsapp.net`). */
  @Property({ type: 'string', length: 120, nullable: true })
  phoneNumberJid: string | null = null;

  /** Name saved in the phone's address book (full name). */
  @Property({ type: 'string', length: 255, nullable: true })
  name: string | null = null;

  /** Push name the contact set for itself. */
  @Property({ type: 'string', length: 255, nullable: true })
  pushName: string | null = null;

  /** Verified business name. */
  @Property({ type: 'string', length: 255, nullable: true })
  businessName: string | null = null;
}
