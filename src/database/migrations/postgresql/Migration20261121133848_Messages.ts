import { Migration } from '@mikro-orm/migrations';

export class Migration20261121133848_Messages extends Migration {

  override async up(): Promise<void> {
    this.addSql(`create table "message" ("id" uuid not null, "created_at" timestamptz(3) not null, "updated_at" timestamptz(3) not null, "instance_id" uuid not null, "message_id" varchar(128) not null, "direction" varchar(10) not null, "chat_jid" varchar(120) not null, "chat_lid" varchar(120) null, "sender_jid" varchar(120) not null, "sender_lid" varchar(120) null, "type" varchar(40) not null, "content" text not null default '', "source" varchar(100) not null default '', "status" varchar(10) not null default 'pending', "status_times" jsonb not null, "error" text null, "quoted_id" varchar(128) null, "mentions" jsonb not null, "payload" jsonb not null, "media_path" text null, "raw" jsonb null, "request" jsonb null, "idempotency_key" varchar(255) null, "request_hash" varchar(64) null, "timestamp" timestamptz(3) not null, "published" boolean not null default false, constraint "message_pkey" primary key ("id"));`);
    this.addSql(`create index "message_instance_id_status_index" on "message" ("instance_id", "status");`);
    this.addSql(`create index "message_instance_id_timestamp_index" on "message" ("instance_id", "timestamp");`);
    this.addSql(`create index "message_instance_id_chat_jid_timestamp_index" on "message" ("instance_id", "chat_jid", "timestamp");`);
    this.addSql(`alter table "message" add constraint "message_instance_id_message_id_unique" unique ("instance_id", "message_id");`);

    this.addSql(`alter table "message" add constraint "message_instance_id_foreign" foreign key ("instance_id") references "instance" ("id") on update cascade on delete cascade;`);
  }

  override async down(): Promise<void> {
    this.addSql(`drop table if exists "message" cascade;`);
  }

}
