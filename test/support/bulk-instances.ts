/**
 * Many bare instances written straight into the database (no API calls): 10,000 in a few seconds,
 * for the big-account tests and the `list` benchmark (issue 11).
 */
import { randomBytes } from 'node:crypto';

import { Instance } from '@wharf/modules/instance/entities/instance.entity';
import { InstanceSettings } from '@wharf/modules/settings/entities/instance-settings.entity';
import { v7 as uuidv7 } from 'uuid';

import type { WharfHandle } from './wharf';

/**
 * Inserts `count` disconnected instances named `<prefix>-<i>` (each with its settings row, as the
 * API would create it) into the account, 500 per INSERT. Each has a random token sealed under
 * the process's key (so the instance list can show it, D11) and a random digest: no client can
 * authenticate with it.
 */
export async function insertInstances(
  wharf: WharfHandle,
  accountId: string,
  count: number,
  prefix = 'bulk',
): Promise<void> {
  const orm = await wharf.orm();
  const em = orm.em.fork();
  const now = new Date();
  const box = wharf.secretBox();
  for (let start = 0; start < count; start += 500) {
    const instances = [];
    const settings = [];
    for (let i = start; i < Math.min(count, start + 500); i++) {
      const id = uuidv7();
      instances.push({
        id,
        createdAt: now,
        updatedAt: now,
        account: accountId,
        name: `${prefix}-${i}`,
        tokenDigest: randomBytes(32).toString('hex'),
        tokenCipher: box.seal(randomBytes(24).toString('base64url'), {
          table: 'instance',
          column: 'token_cipher',
          rowId: id,
        }),
        state: 'disconnected',
        isBusiness: false,
      });
      settings.push({ id: uuidv7(), createdAt: now, updatedAt: now, instance: id });
    }
    await em.insertMany(Instance, instances as never[]);
    await em.insertMany(InstanceSettings, settings);
  }
}
