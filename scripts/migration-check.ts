/**
 * Fails (exit 1) when the entities and the checked-in migrations disagree on either dialect:
 * applies every migration to an empty database and asks MikroORM whether a new one is needed.
 */
import { createThrowawayDatabase, openMigratedOrm } from './db-tools';

async function main(): Promise<void> {
  let drift = false;
  for (const dialect of ['postgresql', 'sqlite'] as const) {
    const db = await createThrowawayDatabase(dialect, 'wharf_check');
    try {
      const orm = await openMigratedOrm(db.config);
      try {
        const diff = await orm.schema.getUpdateSchemaSQL({ wrap: false });
        if (diff.trim()) {
          drift = true;
          console.error(
            `${dialect}: entities and migrations disagree; run npm run migration:create\n${diff}`,
          );
        } else {
          console.log(`${dialect}: migrations match the entities`);
        }
      } finally {
        await orm.close(true);
      }
    } finally {
      await db.drop();
    }
  }
  if (drift) process.exit(1);
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
