/**
 * A minimal typed event emitter: one payload per event, listeners called synchronously in
 * registration order. A listener that throws does not stop the others nor the emitter's caller;
 * its error goes to {@link TypedEventEmitter.listenerFailed}.
 */
export class TypedEventEmitter<Events extends object> {
  private readonly listeners = new Map<keyof Events, Set<(payload: never) => void>>();
  /** `once` wrappers by original listener, so `off(event, listener)` removes them too. */
  private readonly onceWrappers = new WeakMap<object, (payload: never) => void>();

  /** Adds `listener` for `event`. */
  on<K extends keyof Events>(event: K, listener: (payload: Events[K]) => void): this {
    let set = this.listeners.get(event);
    if (!set) {
      set = new Set();
      this.listeners.set(event, set);
    }
    set.add(listener);
    return this;
  }

  /** Adds `listener` for the next `event` only. */
  once<K extends keyof Events>(event: K, listener: (payload: Events[K]) => void): this {
    const wrapper = (payload: Events[K]): void => {
      this.off(event, listener);
      listener(payload);
    };
    this.onceWrappers.set(listener, wrapper);
    return this.on(event, wrapper);
  }

  /** Removes `listener` from `event`. */
  off<K extends keyof Events>(event: K, listener: (payload: Events[K]) => void): this {
    const set = this.listeners.get(event);
    set?.delete(listener);
    const wrapper = this.onceWrappers.get(listener);
    if (wrapper) {
      set?.delete(wrapper);
      this.onceWrappers.delete(listener);
    }
    return this;
  }

  /** Removes every listener of `event`, or of all events. */
  removeAllListeners(event?: keyof Events): this {
    if (event === undefined) {
      this.listeners.clear();
    } else {
      this.listeners.delete(event);
    }
    return this;
  }

  /** Number of listeners of `event`. */
  listenerCount(event: keyof Events): number {
    return this.listeners.get(event)?.size ?? 0;
  }

  /** Calls every listener of `event` with `payload`; returns whether there was any. */
  protected emit<K extends keyof Events>(event: K, payload: Events[K]): boolean {
    const set = this.listeners.get(event);
    if (!set || set.size === 0) {
      return false;
    }
    for (const listener of [...set]) {
      try {
        (listener as (payload: Events[K]) => void)(payload);
      } catch (error) {
        this.listenerFailed(event, error);
      }
    }
    return true;
  }

  /** Called with the error of a listener that threw. Default: a process warning. */
  protected listenerFailed(event: keyof Events, error: unknown): void {
    const detail = error instanceof Error ? (error.stack ?? error.message) : String(error);
    process.emitWarning(`listener of "${String(event)}" threw: ${detail}`, 'TypedEventEmitter');
  }
}
