import { Migration } from '@mikro-orm/migrations';

export class Migration20261121125226_Sessions extends Migration {

  override async up(): Promise<void> {
    this.addSql(`create table "event_log" ("id" uuid not null, "instance_id" uuid not null, "event" varchar(40) not null, "data" jsonb not null, "created_at" timestamptz(3) not null, constraint "event_log_pkey" primary key ("id"));`);
    this.addSql(`create index "event_log_instance_id_created_at_index" on "event_log" ("instance_id", "created_at");`);

    this.addSql(`create table "session_credentials" ("id" uuid not null, "created_at" timestamptz(3) not null, "updated_at" timestamptz(3) not null, "instance_id" uuid not null, "creds_cipher" text null, "registered" boolean not null default false, "fence" int not null default 0, constraint "session_credentials_pkey" primary key ("id"));`);
    this.addSql(`alter table "session_credentials" add constraint "session_credentials_instance_id_unique" unique ("instance_id");`);

    this.addSql(`create table "session_key" ("id" uuid not null, "created_at" timestamptz(3) not null, "updated_at" timestamptz(3) not null, "instance_id" uuid not null, "type" varchar(40) not null, "key_id" varchar(255) not null, "value_cipher" text not null, constraint "session_key_pkey" primary key ("id"));`);
    this.addSql(`create index "session_key_instance_id_type_index" on "session_key" ("instance_id", "type");`);
    this.addSql(`alter table "session_key" add constraint "session_key_instance_id_type_key_id_unique" unique ("instance_id", "type", "key_id");`);

    this.addSql(`alter table "event_log" add constraint "event_log_instance_id_foreign" foreign key ("instance_id") references "instance" ("id") on update cascade on delete cascade;`);

    this.addSql(`alter table "session_credentials" add constraint "session_credentials_instance_id_foreign" foreign key ("instance_id") references "instance" ("id") on update cascade on delete cascade;`);

    this.addSql(`alter table "session_key" add constraint "session_key_instance_id_foreign" foreign key ("instance_id") references "instance" ("id") on update cascade on delete cascade;`);
  }

  override async down(): Promise<void> {
    this.addSql(`drop table if exists "event_log" cascade;`);

    this.addSql(`drop table if exists "session_credentials" cascade;`);

    this.addSql(`drop table if exists "session_key" cascade;`);
  }

}
