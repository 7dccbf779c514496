/** A listener for one event of a typed event map. */
export type Listener<T> = (payload: T) => void;

/** Where an exception thrown by a listener goes: `reportError` where the runtime has it, else `console.error`. */
export function reportListenerError(error: unknown): void {
  const report = (globalThis as { reportError?: (e: unknown) => void }).reportError;
  if (typeof report === 'function') report(error);
  else console.error('sync-client: an event listener threw', error);
}

/**
 * A tiny typed event emitter (no `node:events`, so it runs in browsers).
 * Listener exceptions are isolated: one failing listener never breaks a sync or other listeners.
 */
export class Emitter<Events extends object> {
  readonly #listeners = new Map<keyof Events, Set<Listener<never>>>();

  /** @param onListenerError Receives exceptions thrown by listeners (default {@link reportListenerError}). */
  constructor(private readonly onListenerError: (error: unknown, event: keyof Events) => void = reportListenerError) {}

  /** Adds a listener; returns a function that removes it. */
  on<K extends keyof Events>(event: K, listener: Listener<Events[K]>): () => void {
    let set = this.#listeners.get(event);
    if (!set) this.#listeners.set(event, (set = new Set()));
    set.add(listener as Listener<never>);
    return () => this.off(event, listener);
  }

  /** Adds a listener called at most once. */
  once<K extends keyof Events>(event: K, listener: Listener<Events[K]>): () => void {
    const off = this.on(event, (payload) => {
      off();
      listener(payload);
    });
    return off;
  }

  off<K extends keyof Events>(event: K, listener: Listener<Events[K]>): void {
    this.#listeners.get(event)?.delete(listener as Listener<never>);
  }

  /** Calls the listeners in order of registration; returns whether there were any. */
  emit<K extends keyof Events>(event: K, payload: Events[K]): boolean {
    const set = this.#listeners.get(event);
    if (!set || set.size === 0) return false;
    for (const listener of [...set]) {
      try {
        (listener as Listener<Events[K]>)(payload);
      } catch (e) {
        // A throwing listener must not abort the emitter's caller (a sync in progress).
        this.onListenerError(e, event);
      }
    }
    return true;
  }
}
