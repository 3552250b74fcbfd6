import type {
  AuthenticationCreds,
  AuthenticationState,
  SignalDataSet,
  SignalDataTypeMap,
  SignalKeyStore,
} from 'baileys';
import type { Logger } from 'pino';

import type { AuthStateStore } from '../auth-state-store';
import type { BaileysModule } from './loader';

/** The Baileys auth state of one session, backed by an {@link AuthStateStore}. */
export interface StoreBackedAuth {
  /** Creds plus a read-cached key store, for `makeWASocket({ auth })`. Baileys mutates `creds`. */
  readonly state: AuthenticationState;
  /** Queues a write of the current creds (called on every `creds.update`); writes run in order. */
  saveCreds(): void;
  /**
   * Stops all further writes to the store and waits for the ones in flight. Writes attempted
   * afterwards are dropped (logged at debug): the socket they belong to is gone.
   */
  retire(): Promise<void>;
}

/** Bound of the remembered missing keys of one session; past it the memory starts over. */
const MAX_REMEMBERED_ABSENCES = 50_000;

/**
 * Loads creds from `store` (fresh `initAuthCreds()` when none) and builds the Baileys
 * `AuthenticationState`. Values are JSON with `BufferJSON.replacer`/`reviver`, and
 * `app-state-sync-key` values are rehydrated with `proto.Message.AppStateSyncKeyData.fromObject`,
 * as Baileys' own `useMultiFileAuthState` does. Keys get an in-memory read cache
 * (`makeCacheableSignalKeyStore`) and keys found missing are remembered until written, so a
 * send does not query the store again for the same absent keys; `setKeys` receives each
 * Baileys `set()` as one batch.
 *
 * Creds left by a pairing-code attempt that never completed (`me` set, no `account`) are
 * treated as no creds, so the next start shows a QR instead of trying to log in.
 */
export async function loadStoreBackedAuth(
  b: BaileysModule,
  store: AuthStateStore,
  logger: Logger,
): Promise<StoreBackedAuth> {
  const saved = await store.loadCreds();
  let creds: AuthenticationCreds = saved
    ? (JSON.parse(saved, b.BufferJSON.reviver) as AuthenticationCreds)
    : b.initAuthCreds();
  if (creds.me && !creds.account) {
    logger.info('discarding credentials of an unfinished pairing');
    creds = b.initAuthCreds();
  }

  let retired = false;
  const inFlight = new Set<Promise<unknown>>();
  const track = <T>(promise: Promise<T>): Promise<T> => {
    inFlight.add(promise);
    const forget = (): void => void inFlight.delete(promise);
    promise.then(forget, forget);
    return promise;
  };

  // Baileys asks for the same missing keys on every send (no session yet with a device, no
  // tctoken, no LID mapping); the read cache below keeps only keys that exist. Absences are
  // remembered here until a write touches the key. Only this session writes its keys (the lease
  // and the store's fence, D20), so the store cannot gain a key behind our back; and
  // `makeCacheableSignalKeyStore` runs every get and set under one mutex, so a read never
  // overlaps a write of this state.
  const absent = new Set<string>();
  const absentKey = (type: string, id: string): string => `${type}\u0000${id}`;

  const keys: SignalKeyStore = {
    get: async <T extends keyof SignalDataTypeMap>(type: T, ids: string[]) => {
      const wanted = ids.filter((id) => !absent.has(absentKey(type, id)));
      const out: { [id: string]: SignalDataTypeMap[T] } = {};
      if (wanted.length === 0) {
        return out;
      }
      const rows = await store.getKeys(type, wanted);
      if (absent.size > MAX_REMEMBERED_ABSENCES) {
        absent.clear();
      }
      for (const id of wanted) {
        if (!(id in rows)) {
          absent.add(absentKey(type, id));
        }
      }
      for (const [id, json] of Object.entries(rows)) {
        let value: unknown = JSON.parse(json, b.BufferJSON.reviver);
        if (type === 'app-state-sync-key' && value) {
          value = b.proto.Message.AppStateSyncKeyData.fromObject(value);
        }
        out[id] = value as SignalDataTypeMap[T];
      }
      return out;
    },
    set: async (data: SignalDataSet) => {
      const changes: Array<{ type: string; id: string; value: string | null }> = [];
      for (const [type, values] of Object.entries(data) as Array<[string, object | undefined]>) {
        for (const [id, value] of Object.entries(values ?? {}) as Array<[string, unknown]>) {
          changes.push({
            type,
            id,
            value: value == null ? null : JSON.stringify(value, b.BufferJSON.replacer),
          });
        }
      }
      if (changes.length === 0) {
        return;
      }
      for (const change of changes) {
        const key = absentKey(change.type, change.id);
        if (change.value === null) {
          absent.add(key);
        } else {
          absent.delete(key);
        }
      }
      if (retired) {
        logger.debug({ keys: changes.length }, 'dropping key writes of a retired session');
        return;
      }
      await track(store.setKeys(changes));
    },
  };

  let credsChain: Promise<void> = Promise.resolve();
  const saveCreds = (): void => {
    if (retired) {
      logger.debug('dropping a creds write of a retired session');
      return;
    }
    credsChain = track(
      credsChain.then(async () => {
        try {
          await store.saveCreds(JSON.stringify(creds, b.BufferJSON.replacer));
        } catch (err) {
          logger.error({ err }, 'failed to save WhatsApp credentials');
        }
      }),
    );
  };

  return {
    state: { creds, keys: b.makeCacheableSignalKeyStore(keys, logger) },
    saveCreds,
    retire: async () => {
      retired = true;
      while (inFlight.size > 0) {
        await Promise.allSettled([...inFlight]);
      }
    },
  };
}
