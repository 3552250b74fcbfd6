import { createHash } from 'node:crypto';

import { EntityManager, UniqueConstraintViolationException } from '@mikro-orm/core';
import { SecretBox } from '@wharf/common/crypto';
import { Instance } from '@wharf/modules/instance/entities/instance.entity';

import { SessionCredentials } from './entities/session-credentials.entity';
import { SessionKey } from './entities/session-key.entity';

/** A write was refused because another process now owns the session (D20 fencing). */
export class LeaseLostError extends Error {
  constructor(instanceId: string) {
    super(
      `Session of instance ${instanceId} is owned by another process (fencing token superseded)`,
    );
    this.name = 'LeaseLostError';
  }
}

/** One change of `setKeys`: `value` null deletes the key. */
export interface KeyChange {
  type: string;
  id: string;
  value: string | null;
}

const credsAt = (row: SessionCredentials) => ({
  table: 'session_credentials',
  column: 'creds_cipher',
  rowId: row.id,
});
const keyAt = (rowId: string) => ({ table: 'session_key', column: 'value_cipher', rowId });

/** Row id of a Signal key: a UUID-shaped SHA-256 of `(instance, type, keyId)`, stable across updates. */
export function sessionKeyRowId(instanceId: string, type: string, keyId: string): string {
  const hex = createHash('sha256').update(`${instanceId}\u0000${type}\u0000${keyId}`).digest('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-8${hex.slice(13, 16)}-a${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}

/**
 * Claims write access to an instance's credentials for `fencingToken` (D20): stores the token
 * when it is larger than the one recorded. @returns false when a newer owner already claimed it
 */
export async function claimFence(
  em: EntityManager,
  instanceId: string,
  fencingToken: number,
): Promise<boolean> {
  const fork = em.fork();
  const updated = await fork.nativeUpdate(
    SessionCredentials,
    { instance: instanceId, fence: { $lt: fencingToken } },
    { fence: fencingToken },
  );
  if (updated > 0) return true;
  const existing = await fork.findOne(SessionCredentials, { instance: instanceId });
  if (existing) return existing.fence === fencingToken;
  try {
    fork.create(SessionCredentials, {
      instance: fork.getReference(Instance, instanceId),
      fence: fencingToken,
    });
    await fork.flush();
    return true;
  } catch (error) {
    if (error instanceof UniqueConstraintViolationException)
      return claimFence(em, instanceId, fencingToken);
    throw error;
  }
}

/** Whether the instance has the credentials of a linked device (`reconnect` needs them). */
export async function hasSavedSession(em: EntityManager, instanceId: string): Promise<boolean> {
  return (
    (await em.fork().count(SessionCredentials, { instance: instanceId, registered: true })) > 0
  );
}

/** Deletes the credentials and every Signal key of an instance (logout, delete). */
export async function deleteSessionState(em: EntityManager, instanceId: string): Promise<void> {
  await em.fork().transactional(async (tx) => {
    await tx.nativeDelete(SessionKey, { instance: instanceId });
    await tx.nativeDelete(SessionCredentials, { instance: instanceId });
  });
}

/**
 * The engine's auth state in the database, not in files (issue 3): credentials and every Signal
 * key type in two tables, each value encrypted (D11); `setKeys` is one transaction. Every write
 * first checks that this owner's fencing token is still the recorded one and throws
 * {@link LeaseLostError} otherwise (D20). Values are opaque JSON text produced by the adapter.
 */
export class DatabaseAuthStateStore {
  constructor(
    private readonly em: EntityManager,
    private readonly box: SecretBox,
    private readonly instanceId: string,
    private readonly fencingToken: number,
  ) {}

  async loadCreds(): Promise<string | null> {
    const row = await this.em.fork().findOne(SessionCredentials, { instance: this.instanceId });
    return row?.credsCipher ? this.box.open(row.credsCipher, credsAt(row)) : null;
  }

  /** @throws LeaseLostError */
  async saveCreds(json: string): Promise<void> {
    const em = this.em.fork();
    const row = await em.findOne(SessionCredentials, { instance: this.instanceId });
    if (!row || row.fence !== this.fencingToken) throw new LeaseLostError(this.instanceId);
    const registered = Boolean((JSON.parse(json) as { me?: unknown }).me);
    const updated = await em.nativeUpdate(
      SessionCredentials,
      { id: row.id, fence: this.fencingToken },
      { credsCipher: this.box.seal(json, credsAt(row)), registered },
    );
    if (updated === 0) throw new LeaseLostError(this.instanceId);
  }

  async getKeys(type: string, ids: string[]): Promise<Record<string, string>> {
    if (ids.length === 0) return {};
    const rows = await this.em
      .fork()
      .find(SessionKey, { instance: this.instanceId, type, keyId: { $in: ids } });
    return Object.fromEntries(
      rows.map((row) => [row.keyId, this.box.open(row.valueCipher, keyAt(row.id))]),
    );
  }

  /** Applies every change in one transaction (upserts and deletes). @throws LeaseLostError */
  async setKeys(changes: KeyChange[]): Promise<void> {
    if (changes.length === 0) return;
    await this.em.fork().transactional(async (tx) => {
      const held = await tx.nativeUpdate(
        SessionCredentials,
        { instance: this.instanceId, fence: this.fencingToken },
        { fence: this.fencingToken },
      );
      if (held === 0) throw new LeaseLostError(this.instanceId);
      const deletes = changes.filter((c) => c.value === null);
      const upserts = changes.filter((c): c is KeyChange & { value: string } => c.value !== null);
      for (const change of deletes) {
        await tx.nativeDelete(SessionKey, {
          instance: this.instanceId,
          type: change.type,
          keyId: change.id,
        });
      }
      if (upserts.length) {
        const now = new Date();
        await tx.upsertMany(
          SessionKey,
          upserts.map((change) => {
            const id = sessionKeyRowId(this.instanceId, change.type, change.id);
            return {
              id,
              instance: tx.getReference(Instance, this.instanceId),
              type: change.type,
              keyId: change.id,
              valueCipher: this.box.seal(change.value, keyAt(id)),
              createdAt: now,
              updatedAt: now,
            };
          }),
          { onConflictFields: ['id'], onConflictExcludeFields: ['createdAt'] },
        );
      }
    });
  }

  /**
   * Deletes the credentials and every key (logout). The row itself stays with its fencing token,
   * so an owner that was superseded still cannot write afterwards.
   */
  async clear(): Promise<void> {
    await this.em.fork().transactional(async (tx) => {
      await tx.nativeDelete(SessionKey, { instance: this.instanceId });
      await tx.nativeUpdate(
        SessionCredentials,
        { instance: this.instanceId },
        { credsCipher: null, registered: false },
      );
    });
  }
}
