import { Migration } from '@mikro-orm/migrations';

export class Migration20261207120250_ChatState extends Migration {

  override name = 'Migration20261207120250_ChatState';

  override up(): void | Promise<void> {
    this.addSql(`create table \`contact\` (\`id\` text not null primary key, \`created_at\` datetime not null, \`updated_at\` datetime not null, \`instance_id\` text not null, \`jid\` text not null, \`lid\` text null, \`phone_number_jid\` text null, \`name\` text null, \`push_name\` text null, \`business_name\` text null, constraint \`contact_instance_id_foreign\` foreign key (\`instance_id\`) references \`instance\` (\`id\`) on update cascade on delete cascade);`);
    this.addSql(`create index \`contact_instance_id_index\` on \`contact\` (\`instance_id\`);`);
    this.addSql(`create unique index \`contact_instance_id_jid_unique\` on \`contact\` (\`instance_id\`, \`jid\`);`);

    this.addSql(`create table \`chat_state\` (\`id\` text not null primary key, \`created_at\` datetime not null, \`updated_at\` datetime not null, \`instance_id\` text not null, \`chat_jid\` text not null, \`archived\` integer not null default false, \`pinned_at\` datetime null, \`muted_until\` datetime null, \`muted_forever\` integer not null default false, \`unread\` integer not null default false, constraint \`chat_state_instance_id_foreign\` foreign key (\`instance_id\`) references \`instance\` (\`id\`) on update cascade on delete cascade);`);
    this.addSql(`create index \`chat_state_instance_id_index\` on \`chat_state\` (\`instance_id\`);`);
    this.addSql(`create index \`chat_state_instance_id_pinned_at_index\` on \`chat_state\` (\`instance_id\`, \`pinned_at\`);`);
    this.addSql(`create unique index \`chat_state_instance_id_chat_jid_unique\` on \`chat_state\` (\`instance_id\`, \`chat_jid\`);`);

    this.addSql(`create table \`chat_label_assignment\` (\`id\` text not null primary key, \`created_at\` datetime not null, \`updated_at\` datetime not null, \`instance_id\` text not null, \`label_id\` text not null, \`chat_jid\` text not null, constraint \`chat_label_assignment_instance_id_foreign\` foreign key (\`instance_id\`) references \`instance\` (\`id\`) on update cascade on delete cascade);`);
    this.addSql(`create index \`chat_label_assignment_instance_id_index\` on \`chat_label_assignment\` (\`instance_id\`);`);
    this.addSql(`create index \`chat_label_assignment_instance_id_chat_jid_index\` on \`chat_label_assignment\` (\`instance_id\`, \`chat_jid\`);`);
    this.addSql(`create unique index \`chat_label_assignment_instance_id_label_id_chat_jid_unique\` on \`chat_label_assignment\` (\`instance_id\`, \`label_id\`, \`chat_jid\`);`);

    this.addSql(`create table \`chat_label\` (\`id\` text not null primary key, \`created_at\` datetime not null, \`updated_at\` datetime not null, \`instance_id\` text not null, \`label_id\` text not null, \`name\` text not null default '', \`color\` integer not null default 0, \`predefined_id\` text null, \`deleted\` integer not null default false, constraint \`chat_label_instance_id_foreign\` foreign key (\`instance_id\`) references \`instance\` (\`id\`) on update cascade on delete cascade);`);
    this.addSql(`create index \`chat_label_instance_id_index\` on \`chat_label\` (\`instance_id\`);`);
    this.addSql(`create unique index \`chat_label_instance_id_label_id_unique\` on \`chat_label\` (\`instance_id\`, \`label_id\`);`);
  }

  override down(): void | Promise<void> {
    this.addSql(`drop table if exists \`contact\`;`);
    this.addSql(`drop table if exists \`chat_state\`;`);
    this.addSql(`drop table if exists \`chat_label_assignment\`;`);
    this.addSql(`drop table if exists \`chat_label\`;`);
  }

}
