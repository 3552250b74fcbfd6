import { randomBytes } from 'node:crypto';

import { MikroORM } from '@mikro-orm/core';
import { SecretBox } from '@wharf/common/crypto';
import { Account } from '@wharf/modules/account/entities/account.entity';
import { Instance } from '@wharf/modules/instance/entities/instance.entity';
import {
  claimFence,
  DatabaseAuthStateStore,
  hasSavedSession,
  LeaseLostError,
} from '@wharf/modules/session/database-auth-state.store';
import { SessionKey } from '@wharf/modules/session/entities/session-key.entity';

import {
  createThrowawayDatabase,
  openMigratedOrm,
  ThrowawayDatabase,
} from '../../scripts/db-tools';
import { TEST_DIALECT } from '../support/wharf';

describe('DatabaseAuthStateStore (issue 3, D11, D20)', () => {
  let db: ThrowawayDatabase;
  let orm: MikroORM;
  let box: SecretBox;
  let instanceId: string;

  beforeAll(async () => {
    db = await createThrowawayDatabase(TEST_DIALECT, 'wharf_auth');
    orm = await openMigratedOrm(db.config);
    box = new SecretBox({ id: 'k1', key: randomBytes(32) });
    const em = orm.em.fork();
    const account = em.create(Account, { name: 'A', tokenHash: randomBytes(32).toString('hex') });
    const instance = em.create(Instance, {
      account,
      name: 'i',
      tokenDigest: randomBytes(32).toString('hex'),
      tokenCipher: 'x',
    });
    await em.flush();
    instanceId = instance.id;
  });
  afterAll(async () => {
    await orm.close(true);
    await db.drop();
  });

  it('round-trips credentials and keys, encrypted at rest', async () => {
    expect(await claimFence(orm.em, instanceId, 1)).toBe(true);
    const store = new DatabaseAuthStateStore(orm.em, box, instanceId, 1);
    expect(await store.loadCreds()).toBeNull();
    expect(await hasSavedSession(orm.em, instanceId)).toBe(false);
    const creds = JSON.stringify({
      me: { id: '5511900000001:3@s.whatsapp.net' },
      noiseKey: 'secret-noise',
    });
    await store.saveCreds(creds);
    expect(await store.loadCreds()).toBe(creds);
    expect(await hasSavedSession(orm.em, instanceId)).toBe(true);

    await store.setKeys([
      { type: 'pre-key', id: '1', value: '{"k":"one"}' },
      { type: 'pre-key', id: '2', value: '{"k":"two"}' },
      { type: 'session', id: '5511@s.whatsapp.net.0', value: '{"s":"x"}' },
    ]);
    expect(await store.getKeys('pre-key', ['1', '2', '3'])).toEqual({
      '1': '{"k":"one"}',
      '2': '{"k":"two"}',
    });
    await store.setKeys([
      { type: 'pre-key', id: '1', value: null },
      { type: 'pre-key', id: '2', value: '{"k":"two-b"}' },
    ]);
    expect(await store.getKeys('pre-key', ['1', '2'])).toEqual({ '2': '{"k":"two-b"}' });
    const raw = await orm.em.fork().find(SessionKey, { instance: instanceId });
    expect(raw).toHaveLength(2);
    for (const row of raw) expect(row.valueCipher).toMatch(/^v1\.k1\./);
    const dump = JSON.stringify(
      await orm.em.fork().getConnection().execute('select * from session_credentials'),
    );
    expect(dump).not.toContain('secret-noise');
  });

  it('refuses writes from an owner whose fencing token was superseded (D20)', async () => {
    const old = new DatabaseAuthStateStore(orm.em, box, instanceId, 1);
    expect(await claimFence(orm.em, instanceId, 2)).toBe(true);
    expect(await claimFence(orm.em, instanceId, 1)).toBe(false);
    await expect(old.saveCreds('{"me":null}')).rejects.toBeInstanceOf(LeaseLostError);
    await expect(old.setKeys([{ type: 'pre-key', id: '9', value: '{}' }])).rejects.toBeInstanceOf(
      LeaseLostError,
    );
    expect(await old.getKeys('pre-key', ['9'])).toEqual({});
    const current = new DatabaseAuthStateStore(orm.em, box, instanceId, 2);
    await current.setKeys([{ type: 'pre-key', id: '9', value: '{}' }]);
    expect(await current.getKeys('pre-key', ['9'])).toEqual({ '9': '{}' });
  });

  it('clears everything on logout', async () => {
    const store = new DatabaseAuthStateStore(orm.em, box, instanceId, 2);
    await store.clear();
    expect(await store.loadCreds()).toBeNull();
    expect(await orm.em.fork().count(SessionKey, { instance: instanceId })).toBe(0);
    expect(await hasSavedSession(orm.em, instanceId)).toBe(false);
  });
});
