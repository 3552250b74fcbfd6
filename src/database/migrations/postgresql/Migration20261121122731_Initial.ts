import { Migration } from '@mikro-orm/migrations';

export class Migration20261121122731_Initial extends Migration {

  override async up(): Promise<void> {
    this.addSql(`create table "account" ("id" uuid not null, "created_at" timestamptz(3) not null, "updated_at" timestamptz(3) not null, "name" varchar(200) not null, "token_hash" varchar(64) not null, "instance_limit" int null, "disabled" boolean not null default false, constraint "account_pkey" primary key ("id"));`);
    this.addSql(`alter table "account" add constraint "account_token_hash_unique" unique ("token_hash");`);

    this.addSql(`create table "instance" ("id" uuid not null, "created_at" timestamptz(3) not null, "updated_at" timestamptz(3) not null, "account_id" uuid not null, "name" varchar(100) not null, "token_digest" varchar(64) not null, "token_cipher" text not null, "state" varchar(20) not null default 'disconnected', "state_reason" varchar(40) null, "number_jid" varchar(120) null, "lid" varchar(120) null, "profile_name" varchar(200) null, "profile_picture_url" text null, "is_business" boolean not null default false, "business_name" varchar(200) null, constraint "instance_pkey" primary key ("id"));`);
    this.addSql(`alter table "instance" add constraint "instance_token_digest_unique" unique ("token_digest");`);
    this.addSql(`alter table "instance" add constraint "instance_account_id_name_unique" unique ("account_id", "name");`);

    this.addSql(`create table "instance_settings" ("id" uuid not null, "created_at" timestamptz(3) not null, "updated_at" timestamptz(3) not null, "instance_id" uuid not null, "auto_reject_calls" boolean not null default false, "call_reject_message" text not null default '', "ignore_group_messages" boolean not null default false, "keep_online_status" boolean not null default false, "auto_read_messages" boolean not null default false, "disable_history_sync" boolean not null default true, "ignore_status" boolean not null default false, "send_rate_per_minute" int not null default 0, constraint "instance_settings_pkey" primary key ("id"));`);
    this.addSql(`alter table "instance_settings" add constraint "instance_settings_instance_id_unique" unique ("instance_id");`);

    this.addSql(`create table "proxy_config" ("id" uuid not null, "created_at" timestamptz(3) not null, "updated_at" timestamptz(3) not null, "instance_id" uuid not null, "enabled" boolean not null default false, "host" varchar(255) null, "port" varchar(5) null, "protocol" varchar(10) null, "username" varchar(255) null, "password_cipher" text null, constraint "proxy_config_pkey" primary key ("id"));`);
    this.addSql(`alter table "proxy_config" add constraint "proxy_config_instance_id_unique" unique ("instance_id");`);

    this.addSql(`create table "s3_config" ("id" uuid not null, "created_at" timestamptz(3) not null, "updated_at" timestamptz(3) not null, "instance_id" uuid not null, "enabled" boolean not null default false, "region" varchar(64) null, "bucket" varchar(255) null, "access_key" varchar(255) null, "secret_key_cipher" text null, "endpoint" text null, "path_prefix" varchar(255) null, constraint "s3_config_pkey" primary key ("id"));`);
    this.addSql(`alter table "s3_config" add constraint "s3_config_instance_id_unique" unique ("instance_id");`);

    this.addSql(`create table "webhook" ("id" uuid not null, "created_at" timestamptz(3) not null, "updated_at" timestamptz(3) not null, "instance_id" uuid not null, "label" varchar(100) not null default 'default', "enabled" boolean not null default true, "url" text null, "authorization_cipher" text null, "by_events" boolean not null default false, "events" jsonb not null, "media_base64" boolean not null default false, "secret_cipher" text not null, constraint "webhook_pkey" primary key ("id"));`);
    this.addSql(`alter table "webhook" add constraint "webhook_instance_id_label_unique" unique ("instance_id", "label");`);

    this.addSql(`create table "websocket_config" ("id" uuid not null, "created_at" timestamptz(3) not null, "updated_at" timestamptz(3) not null, "instance_id" uuid not null, "enabled" boolean not null default false, "events" jsonb not null, "media_base64" boolean not null default false, constraint "websocket_config_pkey" primary key ("id"));`);
    this.addSql(`alter table "websocket_config" add constraint "websocket_config_instance_id_unique" unique ("instance_id");`);

    this.addSql(`alter table "instance" add constraint "instance_account_id_foreign" foreign key ("account_id") references "account" ("id") on update cascade on delete cascade;`);

    this.addSql(`alter table "instance_settings" add constraint "instance_settings_instance_id_foreign" foreign key ("instance_id") references "instance" ("id") on update cascade on delete cascade;`);

    this.addSql(`alter table "proxy_config" add constraint "proxy_config_instance_id_foreign" foreign key ("instance_id") references "instance" ("id") on update cascade on delete cascade;`);

    this.addSql(`alter table "s3_config" add constraint "s3_config_instance_id_foreign" foreign key ("instance_id") references "instance" ("id") on update cascade on delete cascade;`);

    this.addSql(`alter table "webhook" add constraint "webhook_instance_id_foreign" foreign key ("instance_id") references "instance" ("id") on update cascade on delete cascade;`);

    this.addSql(`alter table "websocket_config" add constraint "websocket_config_instance_id_foreign" foreign key ("instance_id") references "instance" ("id") on update cascade on delete cascade;`);
  }

  override async down(): Promise<void> {
    this.addSql(`alter table "instance" drop constraint "instance_account_id_foreign";`);

    this.addSql(`alter table "instance_settings" drop constraint "instance_settings_instance_id_foreign";`);

    this.addSql(`alter table "proxy_config" drop constraint "proxy_config_instance_id_foreign";`);

    this.addSql(`alter table "s3_config" drop constraint "s3_config_instance_id_foreign";`);

    this.addSql(`alter table "webhook" drop constraint "webhook_instance_id_foreign";`);

    this.addSql(`alter table "websocket_config" drop constraint "websocket_config_instance_id_foreign";`);

    this.addSql(`drop table if exists "account" cascade;`);

    this.addSql(`drop table if exists "instance" cascade;`);

    this.addSql(`drop table if exists "instance_settings" cascade;`);

    this.addSql(`drop table if exists "proxy_config" cascade;`);

    this.addSql(`drop table if exists "s3_config" cascade;`);

    this.addSql(`drop table if exists "webhook" cascade;`);

    this.addSql(`drop table if exists "websocket_config" cascade;`);
  }

}
