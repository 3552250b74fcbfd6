import { Migration } from '@mikro-orm/migrations';

export class Migration20261204201142_AccountDeletion extends Migration {

  override name = 'Migration20261204201142_AccountDeletion';

  override up(): void | Promise<void> {
    this.addSql(`alter table "account" add "deletion_requested_at" timestamptz(3) null, add "deletion_total" int null;`);
  }

  override down(): void | Promise<void> {
    this.addSql(`alter table "account" drop column "deletion_requested_at", drop column "deletion_total";`);
  }

}
