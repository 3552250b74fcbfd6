/**
 * `npm run keys:reencrypt` (D11): re-encrypts every secret with the current ENCRYPTION_KEY and
 * recomputes TokenInstance digests, so a key listed in ENCRYPTION_KEYS_PREVIOUS can be retired.
 * Reads the same environment as Wharf; safe to run while Wharf runs and to run twice.
 */
import 'reflect-metadata';

import { MikroORM } from '@mikro-orm/core';
import { SecretBox } from '@wharf/common/crypto/secret-box';
import { tokenDigest } from '@wharf/common/crypto/tokens';
import { ConfigError, loadAllConfig } from '@wharf/config';
import { ENCRYPTED_COLUMNS } from '@wharf/database/encrypted-columns';
import { buildOrmOptions } from '@wharf/database/mikro-orm.config';
import { Instance } from '@wharf/modules/instance/entities/instance.entity';

const BATCH = 200;

/** @returns the number of values re-encrypted, per `table.column` */
export async function reencryptAll(
  orm: MikroORM,
  box: SecretBox,
  digestKey: Parameters<typeof tokenDigest>[1],
): Promise<Record<string, number>> {
  const counts: Record<string, number> = {};
  for (const column of ENCRYPTED_COLUMNS) {
    const name = `${column.table}.${column.column}`;
    counts[name] = 0;
    let lastId: string | undefined;
    for (;;) {
      const em = orm.em.fork();
      const where = lastId === undefined ? {} : { id: { $gt: lastId } };
      const rows = await em.find(column.entity, where, { orderBy: { id: 'asc' }, limit: BATCH });
      if (rows.length === 0) break;
      for (const row of rows as Array<Record<string, unknown> & { id: string }>) {
        const sealed = row[column.property];
        if (typeof sealed !== 'string' || !box.needsReseal(sealed)) continue;
        const at = { table: column.table, column: column.column, rowId: row.id };
        const plain = box.open(sealed, at);
        row[column.property] = box.seal(plain, at);
        if (row instanceof Instance) row.tokenDigest = tokenDigest(plain, digestKey);
        counts[name] += 1;
      }
      await em.flush();
      lastId = rows[rows.length - 1].id;
    }
  }
  return counts;
}

async function main(): Promise<void> {
  const config = loadAllConfig();
  const orm = await MikroORM.init(buildOrmOptions(config.database));
  try {
    await orm.migrator.up();
    const box = new SecretBox(config.security.encryptionKey, config.security.decryptionKeys);
    const counts = await reencryptAll(orm, box, config.security.encryptionKey);
    for (const [name, count] of Object.entries(counts))
      console.log(`${name}: ${count} re-encrypted`);
    console.log(`All secrets now use key ${box.currentKeyId}.`);
  } finally {
    await orm.close(true);
  }
}

if (require.main === module) {
  main().catch((error: unknown) => {
    console.error(error instanceof ConfigError ? error.message : error);
    process.exit(1);
  });
}
