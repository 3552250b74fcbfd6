import { Migration } from '@mikro-orm/migrations';

export class Migration20261121131303_Webhooks extends Migration {

  override async up(): Promise<void> {
    this.addSql(`create table "webhook_delivery" ("id" uuid not null, "created_at" timestamptz(3) not null, "updated_at" timestamptz(3) not null, "instance_id" uuid not null, "webhook_id" uuid not null, "label" varchar(100) not null, "event_id" uuid not null, "event" varchar(40) not null, "status" varchar(10) not null default 'pending', "attempts" int not null default 0, "cycle_start" int not null default 0, "next_attempt_at" timestamptz(3) null, "last_status_code" int null, "last_error" text null, "delivered_at" timestamptz(3) null, "history" jsonb not null, constraint "webhook_delivery_pkey" primary key ("id"));`);
    this.addSql(`create index "webhook_delivery_status_next_attempt_at_index" on "webhook_delivery" ("status", "next_attempt_at");`);
    this.addSql(`create index "webhook_delivery_instance_id_created_at_index" on "webhook_delivery" ("instance_id", "created_at");`);
    this.addSql(`alter table "webhook_delivery" add constraint "webhook_delivery_webhook_id_event_id_unique" unique ("webhook_id", "event_id");`);

    this.addSql(`alter table "webhook_delivery" add constraint "webhook_delivery_instance_id_foreign" foreign key ("instance_id") references "instance" ("id") on update cascade on delete cascade;`);
    this.addSql(`alter table "webhook_delivery" add constraint "webhook_delivery_webhook_id_foreign" foreign key ("webhook_id") references "webhook" ("id") on update cascade on delete cascade;`);

    this.addSql(`alter table "webhook" add column "previous_secret_cipher" text null, add column "previous_secret_expires_at" timestamptz(3) null;`);
  }

  override async down(): Promise<void> {
    this.addSql(`drop table if exists "webhook_delivery" cascade;`);

    this.addSql(`alter table "webhook" drop column "previous_secret_cipher", drop column "previous_secret_expires_at";`);
  }

}
