import type { BaileysModule } from './baileys-loader';

/**
 * The five app-state collections WhatsApp keeps per account (Baileys' `ALL_WA_PATCH_NAMES`;
 * libs/sandbox/README.md, "App state").
 */
export const APP_STATE_COLLECTIONS = [
  'critical_block',
  'critical_unblock_low',
  'regular_high',
  'regular_low',
  'regular',
] as const;

/** The name of an app-state collection. */
export type AppStateCollection = (typeof APP_STATE_COLLECTIONS)[number];

/** True when `name` is one of {@link APP_STATE_COLLECTIONS}. */
export function isAppStateCollection(name: unknown): name is AppStateCollection {
  return (APP_STATE_COLLECTIONS as readonly unknown[]).includes(name);
}

/** The patches of one collection served per fetch answer (`has_more_patches="true"` past it). */
export const APP_STATE_PAGE_SIZE = 100;

/** Patches of one collection with a version above the requested one, at most one page. */
export interface AppStatePage {
  /** Encoded `SyncdPatch`es, oldest first, each with its `version` written in. */
  patches: Buffer[];
  /** True when more patches follow this page. */
  hasMore: boolean;
  /** Version of the last patch in this page (the requested version when there is none). */
  version: number;
}

/** An account's app state as saved (persistence.ts); patches base64 `SyncdPatch` bytes. */
export interface AppStateAccountState {
  /** Number of the phone (account). */
  number: string;
  collections: { name: AppStateCollection; patches: string[] }[];
  /** Companion device ids the phone shared its app-state key with. */
  keySharedWith: number[];
  /** False when the phone withholds its key from companions that link from now on. */
  keyShareEnabled: boolean;
}

interface AccountAppState {
  collections: Map<AppStateCollection, Buffer[]>;
  keySharedWith: Set<number>;
  keyShareEnabled: boolean;
}

/**
 * The server's side of app-state sync (libs/sandbox/README.md, "App state"): per account
 * (phone number, shared by all its devices) and collection, the opaque `SyncdPatch` blobs the devices uploaded,
 * numbered 1, 2, … — a collection's version is its number of patches. The server never
 * decrypts a patch; it only writes `version: { version: n }` into each one before storing it,
 * because Baileys numbers a served patch without a version `collection version + 1` (all of
 * them alike). It also remembers which companions got the phone's app-state key
 * (features/app-state.ts).
 */
export class AppStateStore {
  private readonly accounts = new Map<string, AccountAppState>();

  constructor(private readonly b: BaileysModule) {}

  private account(number: string): AccountAppState {
    let account = this.accounts.get(number);
    if (!account) {
      account = { collections: new Map(), keySharedWith: new Set(), keyShareEnabled: true };
      this.accounts.set(number, account);
    }
    return account;
  }

  /** The collection's current version (0 when it has no patch). */
  version(number: string, name: AppStateCollection): number {
    return this.accounts.get(number)?.collections.get(name)?.length ?? 0;
  }

  /**
   * Appends an uploaded patch as version `version + 1` (its `version` field is overwritten).
   * @returns the new version.
   * @throws Error when `patch` is not a `SyncdPatch`.
   */
  append(number: string, name: AppStateCollection, patch: Uint8Array): number {
    const { SyncdPatch } = this.b.proto;
    const decoded = SyncdPatch.decode(patch);
    const collections = this.account(number).collections;
    const patches = collections.get(name) ?? [];
    decoded.version = { version: patches.length + 1 };
    patches.push(Buffer.from(SyncdPatch.encode(decoded).finish()));
    collections.set(name, patches);
    return patches.length;
  }

  /** The patches with a version above `after`, at most `limit` ({@link APP_STATE_PAGE_SIZE}). */
  page(
    number: string,
    name: AppStateCollection,
    after: number,
    limit = APP_STATE_PAGE_SIZE,
  ): AppStatePage {
    const patches = this.accounts.get(number)?.collections.get(name) ?? [];
    const from = Math.max(0, Math.min(after, patches.length));
    const slice = patches.slice(from, from + limit);
    return {
      patches: slice,
      hasMore: from + slice.length < patches.length,
      version: from + slice.length,
    };
  }

  /** True when the phone shares its key with companions that link (default). */
  keyShareEnabled(number: string): boolean {
    return this.accounts.get(number)?.keyShareEnabled ?? true;
  }

  /** Turns sharing with newly linking companions on or off. */
  setKeyShareEnabled(number: string, enabled: boolean): void {
    this.account(number).keyShareEnabled = enabled;
  }

  /** True when companion `deviceId` got the phone's key. */
  keyShared(number: string, deviceId: number): boolean {
    return this.accounts.get(number)?.keySharedWith.has(deviceId) ?? false;
  }

  /** Records that companion `deviceId` got the key (`false`: forgets it, e.g. unlinked). */
  markKeyShared(number: string, deviceId: number, shared = true): void {
    const set = this.account(number).keySharedWith;
    if (shared) {
      set.add(deviceId);
    } else {
      set.delete(deviceId);
    }
  }

  /** Everything, as JSON (persistence.ts). */
  exportState(): AppStateAccountState[] {
    return [...this.accounts].map(([number, account]) => ({
      number,
      collections: [...account.collections].map(([name, patches]) => ({
        name,
        patches: patches.map((patch) => patch.toString('base64')),
      })),
      keySharedWith: [...account.keySharedWith],
      keyShareEnabled: account.keyShareEnabled,
    }));
  }

  /** Replaces the store's content with a saved one (accounts of unknown phones are kept). */
  load(state: readonly AppStateAccountState[]): void {
    this.accounts.clear();
    for (const saved of state) {
      this.accounts.set(saved.number, {
        collections: new Map(
          saved.collections
            .filter((collection) => isAppStateCollection(collection.name))
            .map((collection) => [
              collection.name,
              collection.patches.map((patch) => Buffer.from(patch, 'base64')),
            ]),
        ),
        keySharedWith: new Set(saved.keySharedWith),
        keyShareEnabled: saved.keyShareEnabled,
      });
    }
  }
}
