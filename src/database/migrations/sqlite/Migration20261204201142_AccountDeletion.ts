import { Migration } from '@mikro-orm/migrations';

export class Migration20261204201142_AccountDeletion extends Migration {

  override name = 'Migration20261204201142_AccountDeletion';

  override up(): void | Promise<void> {
    this.addSql(`alter table \`account\` add column \`deletion_requested_at\` datetime null;`);
    this.addSql(`alter table \`account\` add column \`deletion_total\` integer null;`);
  }

  override down(): void | Promise<void> {
    this.addSql(`alter table \`account\` drop column \`deletion_requested_at\`;`);
    this.addSql(`alter table \`account\` drop column \`deletion_total\`;`);
  }

}
