import { Migration } from '@mikro-orm/migrations';

export class Migration20261121122731_Initial extends Migration {

  override async up(): Promise<void> {
    this.addSql(`create table \`account\` (\`id\` text not null, \`created_at\` datetime not null, \`updated_at\` datetime not null, \`name\` text not null, \`token_hash\` text not null, \`instance_limit\` integer null, \`disabled\` integer not null default false, primary key (\`id\`));`);
    this.addSql(`create unique index \`account_token_hash_unique\` on \`account\` (\`token_hash\`);`);

    this.addSql(`create table \`instance\` (\`id\` text not null, \`created_at\` datetime not null, \`updated_at\` datetime not null, \`account_id\` text not null, \`name\` text not null, \`token_digest\` text not null, \`token_cipher\` text not null, \`state\` text not null default 'disconnected', \`state_reason\` text null, \`number_jid\` text null, \`lid\` text null, \`profile_name\` text null, \`profile_picture_url\` text null, \`is_business\` integer not null default false, \`business_name\` text null, constraint \`instance_account_id_foreign\` foreign key(\`account_id\`) references \`account\`(\`id\`) on delete cascade on update cascade, primary key (\`id\`));`);
    this.addSql(`create index \`instance_account_id_index\` on \`instance\` (\`account_id\`);`);
    this.addSql(`create unique index \`instance_token_digest_unique\` on \`instance\` (\`token_digest\`);`);
    this.addSql(`create unique index \`instance_account_id_name_unique\` on \`instance\` (\`account_id\`, \`name\`);`);

    this.addSql(`create table \`instance_settings\` (\`id\` text not null, \`created_at\` datetime not null, \`updated_at\` datetime not null, \`instance_id\` text not null, \`auto_reject_calls\` integer not null default false, \`call_reject_message\` text not null default '', \`ignore_group_messages\` integer not null default false, \`keep_online_status\` integer not null default false, \`auto_read_messages\` integer not null default false, \`disable_history_sync\` integer not null default true, \`ignore_status\` integer not null default false, \`send_rate_per_minute\` integer not null default 0, constraint \`instance_settings_instance_id_foreign\` foreign key(\`instance_id\`) references \`instance\`(\`id\`) on delete cascade on update cascade, primary key (\`id\`));`);
    this.addSql(`create unique index \`instance_settings_instance_id_unique\` on \`instance_settings\` (\`instance_id\`);`);

    this.addSql(`create table \`proxy_config\` (\`id\` text not null, \`created_at\` datetime not null, \`updated_at\` datetime not null, \`instance_id\` text not null, \`enabled\` integer not null default false, \`host\` text null, \`port\` text null, \`protocol\` text null, \`username\` text null, \`password_cipher\` text null, constraint \`proxy_config_instance_id_foreign\` foreign key(\`instance_id\`) references \`instance\`(\`id\`) on delete cascade on update cascade, primary key (\`id\`));`);
    this.addSql(`create unique index \`proxy_config_instance_id_unique\` on \`proxy_config\` (\`instance_id\`);`);

    this.addSql(`create table \`s3_config\` (\`id\` text not null, \`created_at\` datetime not null, \`updated_at\` datetime not null, \`instance_id\` text not null, \`enabled\` integer not null default false, \`region\` text null, \`bucket\` text null, \`access_key\` text null, \`secret_key_cipher\` text null, \`endpoint\` text null, \`path_prefix\` text null, constraint \`s3_config_instance_id_foreign\` foreign key(\`instance_id\`) references \`instance\`(\`id\`) on delete cascade on update cascade, primary key (\`id\`));`);
    this.addSql(`create unique index \`s3_config_instance_id_unique\` on \`s3_config\` (\`instance_id\`);`);

    this.addSql(`create table \`webhook\` (\`id\` text not null, \`created_at\` datetime not null, \`updated_at\` datetime not null, \`instance_id\` text not null, \`label\` text not null default 'default', \`enabled\` integer not null default true, \`url\` text null, \`authorization_cipher\` text null, \`by_events\` integer not null default false, \`events\` json not null, \`media_base64\` integer not null default false, \`secret_cipher\` text not null, constraint \`webhook_instance_id_foreign\` foreign key(\`instance_id\`) references \`instance\`(\`id\`) on delete cascade on update cascade, primary key (\`id\`));`);
    this.addSql(`create index \`webhook_instance_id_index\` on \`webhook\` (\`instance_id\`);`);
    this.addSql(`create unique index \`webhook_instance_id_label_unique\` on \`webhook\` (\`instance_id\`, \`label\`);`);

    this.addSql(`create table \`websocket_config\` (\`id\` text not null, \`created_at\` datetime not null, \`updated_at\` datetime not null, \`instance_id\` text not null, \`enabled\` integer not null default false, \`events\` json not null, \`media_base64\` integer not null default false, constraint \`websocket_config_instance_id_foreign\` foreign key(\`instance_id\`) references \`instance\`(\`id\`) on delete cascade on update cascade, primary key (\`id\`));`);
    this.addSql(`create unique index \`websocket_config_instance_id_unique\` on \`websocket_config\` (\`instance_id\`);`);
  }

}
