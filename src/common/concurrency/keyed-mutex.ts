/**
 * Runs async sections one at a time per key, in call order, inside this process (keys are
 * independent). A failed section does not block the next one. Not a distributed lock: callers
 * that need one across processes hold a lease (D20) as well.
 */
export class KeyedMutex {
  private readonly tails = new Map<string, Promise<unknown>>();

  /** Runs `fn` after every earlier section of `key` has settled; resolves or rejects with `fn`. */
  async run<T>(key: string, fn: () => Promise<T>): Promise<T> {
    const previous = this.tails.get(key) ?? Promise.resolve();
    const current = previous.catch(() => undefined).then(fn);
    this.tails.set(key, current);
    try {
      return await current;
    } finally {
      if (this.tails.get(key) === current) this.tails.delete(key);
    }
  }

  /** Whether a section of `key` is running or waiting. */
  has(key: string): boolean {
    return this.tails.has(key);
  }

  /** Number of keys with a section running or waiting (for tests and metrics). */
  get size(): number {
    return this.tails.size;
  }
}
