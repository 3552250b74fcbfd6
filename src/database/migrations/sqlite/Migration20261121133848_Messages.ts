import { Migration } from '@mikro-orm/migrations';

export class Migration20261121133848_Messages extends Migration {

  override async up(): Promise<void> {
    this.addSql(`create table \`message\` (\`id\` text not null, \`created_at\` datetime not null, \`updated_at\` datetime not null, \`instance_id\` text not null, \`message_id\` text not null, \`direction\` text not null, \`chat_jid\` text not null, \`chat_lid\` text null, \`sender_jid\` text not null, \`sender_lid\` text null, \`type\` text not null, \`content\` text not null default '', \`source\` text not null default '', \`status\` text not null default 'pending', \`status_times\` json not null, \`error\` text null, \`quoted_id\` text null, \`mentions\` json not null, \`payload\` json not null, \`media_path\` text null, \`raw\` json null, \`request\` json null, \`idempotency_key\` text null, \`request_hash\` text null, \`timestamp\` datetime not null, \`published\` integer not null default false, constraint \`message_instance_id_foreign\` foreign key(\`instance_id\`) references \`instance\`(\`id\`) on delete cascade on update cascade, primary key (\`id\`));`);
    this.addSql(`create index \`message_instance_id_index\` on \`message\` (\`instance_id\`);`);
    this.addSql(`create index \`message_instance_id_status_index\` on \`message\` (\`instance_id\`, \`status\`);`);
    this.addSql(`create index \`message_instance_id_timestamp_index\` on \`message\` (\`instance_id\`, \`timestamp\`);`);
    this.addSql(`create index \`message_instance_id_chat_jid_timestamp_index\` on \`message\` (\`instance_id\`, \`chat_jid\`, \`timestamp\`);`);
    this.addSql(`create unique index \`message_instance_id_message_id_unique\` on \`message\` (\`instance_id\`, \`message_id\`);`);
  }

}
