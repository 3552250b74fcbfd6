import { Migration } from '@mikro-orm/migrations';

export class Migration20261121125226_Sessions extends Migration {

  override async up(): Promise<void> {
    this.addSql(`create table \`event_log\` (\`id\` text not null, \`instance_id\` text not null, \`event\` text not null, \`data\` json not null, \`created_at\` datetime not null, constraint \`event_log_instance_id_foreign\` foreign key(\`instance_id\`) references \`instance\`(\`id\`) on delete cascade on update cascade, primary key (\`id\`));`);
    this.addSql(`create index \`event_log_instance_id_index\` on \`event_log\` (\`instance_id\`);`);
    this.addSql(`create index \`event_log_instance_id_created_at_index\` on \`event_log\` (\`instance_id\`, \`created_at\`);`);

    this.addSql(`create table \`session_credentials\` (\`id\` text not null, \`created_at\` datetime not null, \`updated_at\` datetime not null, \`instance_id\` text not null, \`creds_cipher\` text null, \`registered\` integer not null default false, \`fence\` integer not null default 0, constraint \`session_credentials_instance_id_foreign\` foreign key(\`instance_id\`) references \`instance\`(\`id\`) on delete cascade on update cascade, primary key (\`id\`));`);
    this.addSql(`create unique index \`session_credentials_instance_id_unique\` on \`session_credentials\` (\`instance_id\`);`);

    this.addSql(`create table \`session_key\` (\`id\` text not null, \`created_at\` datetime not null, \`updated_at\` datetime not null, \`instance_id\` text not null, \`type\` text not null, \`key_id\` text not null, \`value_cipher\` text not null, constraint \`session_key_instance_id_foreign\` foreign key(\`instance_id\`) references \`instance\`(\`id\`) on delete cascade on update cascade, primary key (\`id\`));`);
    this.addSql(`create index \`session_key_instance_id_index\` on \`session_key\` (\`instance_id\`);`);
    this.addSql(`create index \`session_key_instance_id_type_index\` on \`session_key\` (\`instance_id\`, \`type\`);`);
    this.addSql(`create unique index \`session_key_instance_id_type_key_id_unique\` on \`session_key\` (\`instance_id\`, \`type\`, \`key_id\`);`);
  }

}
