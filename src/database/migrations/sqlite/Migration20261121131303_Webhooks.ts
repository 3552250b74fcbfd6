import { Migration } from '@mikro-orm/migrations';

export class Migration20261121131303_Webhooks extends Migration {

  override async up(): Promise<void> {
    this.addSql(`create table \`webhook_delivery\` (\`id\` text not null, \`created_at\` datetime not null, \`updated_at\` datetime not null, \`instance_id\` text not null, \`webhook_id\` text not null, \`label\` text not null, \`event_id\` text not null, \`event\` text not null, \`status\` text not null default 'pending', \`attempts\` integer not null default 0, \`cycle_start\` integer not null default 0, \`next_attempt_at\` datetime null, \`last_status_code\` integer null, \`last_error\` text null, \`delivered_at\` datetime null, \`history\` json not null, constraint \`webhook_delivery_instance_id_foreign\` foreign key(\`instance_id\`) references \`instance\`(\`id\`) on delete cascade on update cascade, constraint \`webhook_delivery_webhook_id_foreign\` foreign key(\`webhook_id\`) references \`webhook\`(\`id\`) on delete cascade on update cascade, primary key (\`id\`));`);
    this.addSql(`create index \`webhook_delivery_instance_id_index\` on \`webhook_delivery\` (\`instance_id\`);`);
    this.addSql(`create index \`webhook_delivery_webhook_id_index\` on \`webhook_delivery\` (\`webhook_id\`);`);
    this.addSql(`create index \`webhook_delivery_status_next_attempt_at_index\` on \`webhook_delivery\` (\`status\`, \`next_attempt_at\`);`);
    this.addSql(`create index \`webhook_delivery_instance_id_created_at_index\` on \`webhook_delivery\` (\`instance_id\`, \`created_at\`);`);
    this.addSql(`create unique index \`webhook_delivery_webhook_id_event_id_unique\` on \`webhook_delivery\` (\`webhook_id\`, \`event_id\`);`);

    this.addSql(`alter table \`webhook\` add column \`previous_secret_cipher\` text null;`);
    this.addSql(`alter table \`webhook\` add column \`previous_secret_expires_at\` datetime null;`);
  }

}
