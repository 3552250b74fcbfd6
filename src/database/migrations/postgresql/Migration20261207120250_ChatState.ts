import { Migration } from '@mikro-orm/migrations';

export class Migration20261207120250_ChatState extends Migration {

  override name = 'Migration20261207120250_ChatState';

  override up(): void | Promise<void> {
    this.addSql(`create table "contact" ("id" uuid not null, "created_at" timestamptz(3) not null, "updated_at" timestamptz(3) not null, "instance_id" uuid not null, "jid" varchar(120) not null, "lid" varchar(120) null, "phone_number_jid" varchar(120) null, "name" varchar(255) null, "push_name" varchar(255) null, "business_name" varchar(255) null, primary key ("id"));`);
    this.addSql(`alter table "contact" add constraint "contact_instance_id_jid_unique" unique ("instance_id", "jid");`);

    this.addSql(`create table "chat_state" ("id" uuid not null, "created_at" timestamptz(3) not null, "updated_at" timestamptz(3) not null, "instance_id" uuid not null, "chat_jid" varchar(120) not null, "archived" boolean not null default false, "pinned_at" timestamptz(3) null, "muted_until" timestamptz(3) null, "muted_forever" boolean not null default false, "unread" boolean not null default false, primary key ("id"));`);
    this.addSql(`create index "chat_state_instance_id_pinned_at_index" on "chat_state" ("instance_id", "pinned_at");`);
    this.addSql(`alter table "chat_state" add constraint "chat_state_instance_id_chat_jid_unique" unique ("instance_id", "chat_jid");`);

    this.addSql(`create table "chat_label_assignment" ("id" uuid not null, "created_at" timestamptz(3) not null, "updated_at" timestamptz(3) not null, "instance_id" uuid not null, "label_id" varchar(32) not null, "chat_jid" varchar(120) not null, primary key ("id"));`);
    this.addSql(`create index "chat_label_assignment_instance_id_chat_jid_index" on "chat_label_assignment" ("instance_id", "chat_jid");`);
    this.addSql(`alter table "chat_label_assignment" add constraint "chat_label_assignment_instance_id_label_id_chat_jid_unique" unique ("instance_id", "label_id", "chat_jid");`);

    this.addSql(`create table "chat_label" ("id" uuid not null, "created_at" timestamptz(3) not null, "updated_at" timestamptz(3) not null, "instance_id" uuid not null, "label_id" varchar(32) not null, "name" varchar(255) not null default '', "color" int not null default 0, "predefined_id" varchar(32) null, "deleted" boolean not null default false, primary key ("id"));`);
    this.addSql(`alter table "chat_label" add constraint "chat_label_instance_id_label_id_unique" unique ("instance_id", "label_id");`);

    this.addSql(`alter table "contact" add constraint "contact_instance_id_foreign" foreign key ("instance_id") references "instance" ("id") on update cascade on delete cascade;`);

    this.addSql(`alter table "chat_state" add constraint "chat_state_instance_id_foreign" foreign key ("instance_id") references "instance" ("id") on update cascade on delete cascade;`);

    this.addSql(`alter table "chat_label_assignment" add constraint "chat_label_assignment_instance_id_foreign" foreign key ("instance_id") references "instance" ("id") on update cascade on delete cascade;`);

    this.addSql(`alter table "chat_label" add constraint "chat_label_instance_id_foreign" foreign key ("instance_id") references "instance" ("id") on update cascade on delete cascade;`);
  }

  override down(): void | Promise<void> {
    this.addSql(`drop table if exists "contact" cascade;`);
    this.addSql(`drop table if exists "chat_state" cascade;`);
    this.addSql(`drop table if exists "chat_label_assignment" cascade;`);
    this.addSql(`drop table if exists "chat_label" cascade;`);
  }

}
