import { InMemoryAuthStateStore } from '@wharf/whatsapp';
import pino from 'pino';

import { loadStoreBackedAuth } from '../src/baileys/auth-state';
import { type BaileysModule, loadBaileys } from '../src/baileys/loader';

describe('store-backed Baileys auth state', () => {
  const logger = pino({ level: 'silent' });
  let b: BaileysModule;

  beforeAll(async () => {
    b = await loadBaileys();
  });

  it('starts from fresh creds when the store has none, and persists them as BufferJSON', async () => {
    const store = new InMemoryAuthStateStore();
    const auth = await loadStoreBackedAuth(b, store, logger);
    expect(auth.state.creds.noiseKey.public).toHaveLength(32);
    expect(await store.loadCreds()).toBeNull();

    auth.saveCreds();
    await auth.retire();
    const json = (await store.loadCreds()) as string;
    expect(JSON.parse(json)).toMatchObject({ noiseKey: { public: { type: 'Buffer' } } });

    const again = await loadStoreBackedAuth(b, store, logger);
    expect(Buffer.isBuffer(again.state.creds.noiseKey.public)).toBe(true);
    expect(Buffer.from(again.state.creds.noiseKey.public)).toEqual(
      Buffer.from(auth.state.creds.noiseKey.public),
    );
    expect(again.state.creds.registrationId).toBe(auth.state.creds.registrationId);
  });

  it('round-trips keys, rehydrates app-state-sync-key and deletes on null', async () => {
    const store = new InMemoryAuthStateStore();
    const auth = await loadStoreBackedAuth(b, store, logger);
    const preKey = b.Curve.generateKeyPair();
    await auth.state.keys.set({
      'pre-key': { '1': preKey, '2': b.Curve.generateKeyPair() },
      'app-state-sync-key': {
        AAAA: { keyData: Buffer.from('key-data'), timestamp: 5 },
      },
    });
    expect(store.keyCount('pre-key')).toBe(2);

    const fresh = await loadStoreBackedAuth(b, store, logger);
    const read = await fresh.state.keys.get('pre-key', ['1', '3']);
    expect(Object.keys(read)).toEqual(['1']);
    expect(Buffer.from(read['1'].private).equals(Buffer.from(preKey.private))).toBe(true);
    const { AAAA } = await fresh.state.keys.get('app-state-sync-key', ['AAAA']);
    expect(AAAA).toBeInstanceOf(b.proto.Message.AppStateSyncKeyData);
    expect(Buffer.from(AAAA.keyData as Uint8Array).toString()).toBe('key-data');

    await fresh.state.keys.set({ 'pre-key': { '1': null } });
    expect(store.keyCount('pre-key')).toBe(1);
  });

  it('asks the store once for a missing key, and again only after it is written', async () => {
    const store = new InMemoryAuthStateStore();
    const asked: string[][] = [];
    const getKeys = store.getKeys.bind(store);
    store.getKeys = async (type, ids) => {
      asked.push([...ids]);
      return getKeys(type, ids);
    };
    const auth = await loadStoreBackedAuth(b, store, logger);
    expect(await auth.state.keys.get('tctoken', ['a@lid', 'b@lid'])).toEqual({});
    expect(await auth.state.keys.get('tctoken', ['a@lid', 'b@lid'])).toEqual({});
    expect(asked).toEqual([['a@lid', 'b@lid']]);

    await auth.state.keys.set({ tctoken: { 'a@lid': { token: Buffer.from('t'), timestamp: '1' } } });
    // a fresh auth state shares no read cache: the answer comes from the store
    const again = await loadStoreBackedAuth(b, store, logger);
    expect(Object.keys(await again.state.keys.get('tctoken', ['a@lid']))).toEqual(['a@lid']);
    // the first state's memory of the absence was cleared by its own write
    asked.length = 0;
    const read = await auth.state.keys.get('tctoken', ['a@lid', 'b@lid']);
    expect(Object.keys(read)).toEqual(['a@lid']);
    expect(asked.flat()).not.toContain('b@lid');

    await auth.state.keys.set({ tctoken: { 'a@lid': null } });
    asked.length = 0;
    expect((await auth.state.keys.get('tctoken', ['a@lid']))['a@lid']).toBeFalsy();
    expect(asked).toEqual([]);
    expect(store.keyCount('tctoken')).toBe(0);
  });

  it('writes nothing after retire()', async () => {
    const store = new InMemoryAuthStateStore();
    const auth = await loadStoreBackedAuth(b, store, logger);
    await auth.retire();
    auth.saveCreds();
    await auth.state.keys.set({ 'pre-key': { '9': b.Curve.generateKeyPair() } });
    expect(await store.loadCreds()).toBeNull();
    expect(store.keyCount()).toBe(0);
  });

  it('discards creds of a pairing that never completed (me without account)', async () => {
    const store = new InMemoryAuthStateStore();
    const unfinished = {
      ...b.initAuthCreds(),
      me: { id: '5511999999999@s.whatsapp.net', name: '~' },
    };
    await store.saveCreds(JSON.stringify(unfinished, b.BufferJSON.replacer));
    const auth = await loadStoreBackedAuth(b, store, logger);
    expect(auth.state.creds.me).toBeUndefined();
    expect(Buffer.from(auth.state.creds.noiseKey.public)).not.toEqual(
      Buffer.from(unfinished.noiseKey.public),
    );
  });
});
