/**
 * Where a session keeps its credentials and Signal keys. The app provides one per instance
 * (persisted in its database, encrypted per D11); the engine only ever sees opaque JSON text.
 *
 * Values are JSON produced by the engine (Baileys: `JSON.stringify(v, BufferJSON.replacer)`);
 * a store saves and returns them byte for byte.
 */
export interface AuthStateStore {
  /** The saved credentials JSON, or null when the session was never linked or was cleared. */
  loadCreds(): Promise<string | null>;
  /** Replaces the credentials JSON. Called on every credential change. */
  saveCreds(json: string): Promise<void>;
  /** Values of `type` for `ids`; ids without a value are simply absent from the result. */
  getKeys(type: string, ids: string[]): Promise<Record<string, string>>;
  /**
   * Applies `changes` in one transaction: a string value upserts `(type, id)`, `null` deletes
   * it. Either all changes are applied or none (the engine retries the whole batch).
   */
  setKeys(changes: Array<{ type: string; id: string; value: string | null }>): Promise<void>;
  /** Deletes the credentials and every key (logout). */
  clear(): Promise<void>;
}

/** An {@link AuthStateStore} in memory, for tests and throwaway sessions. */
export class InMemoryAuthStateStore implements AuthStateStore {
  private creds: string | null = null;
  private readonly keys = new Map<string, Map<string, string>>();

  async loadCreds(): Promise<string | null> {
    return this.creds;
  }

  async saveCreds(json: string): Promise<void> {
    this.creds = json;
  }

  async getKeys(type: string, ids: string[]): Promise<Record<string, string>> {
    const values = this.keys.get(type);
    const out: Record<string, string> = {};
    for (const id of ids) {
      const value = values?.get(id);
      if (value !== undefined) {
        out[id] = value;
      }
    }
    return out;
  }

  async setKeys(changes: Array<{ type: string; id: string; value: string | null }>): Promise<void> {
    for (const { type, id, value } of changes) {
      let values = this.keys.get(type);
      if (value === null) {
        values?.delete(id);
        continue;
      }
      if (!values) {
        values = new Map();
        this.keys.set(type, values);
      }
      values.set(id, value);
    }
  }

  async clear(): Promise<void> {
    this.creds = null;
    this.keys.clear();
  }

  /** Number of stored keys, of one `type` or of all types. */
  keyCount(type?: string): number {
    if (type !== undefined) {
      return this.keys.get(type)?.size ?? 0;
    }
    let count = 0;
    for (const values of this.keys.values()) {
      count += values.size;
    }
    return count;
  }
}
