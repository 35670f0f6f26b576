/**
 * A map that keeps the recently used entries: between `max / 2` and `max` of them. Entries live in
 * two generations; a read of an older entry moves it to the recent one, and when the recent one is
 * full the older one is forgotten whole. A read of a recent entry changes nothing (reordering a
 * Map on every read costs more than the lookup).
 */
export class LruMap<K, V> {
  private recent = new Map<K, V>();
  private older = new Map<K, V>();

  constructor(private readonly max: number) {}

  get(key: K): V | undefined {
    const recent = this.recent.get(key);
    if (recent !== undefined) return recent;
    const older = this.older.get(key);
    if (older !== undefined) {
      this.older.delete(key);
      this.remember(key, older);
    }
    return older;
  }

  set(key: K, value: V): void {
    if (this.recent.has(key)) {
      this.recent.set(key, value);
      return;
    }
    this.older.delete(key);
    this.remember(key, value);
  }

  delete(key: K): void {
    this.recent.delete(key);
    this.older.delete(key);
  }

  private remember(key: K, value: V): void {
    this.recent.set(key, value);
    if (this.recent.size >= Math.max(1, this.max / 2)) {
      this.older = this.recent;
      this.recent = new Map();
    }
  }
}

export interface CachedState<TState> {
  state: TState;
  version: number;
}

/**
 * Folded states this process last saw, per stream. Only a guess: handleCommand decides on it and
 * appends with its version, so the store's version check confirms it was current (one round trip
 * instead of two); anything else (a conflict, a refusal, no change) is decided again on the
 * stream as it is. Never used for reads.
 */
export class StateCache<TState> {
  private readonly entries: LruMap<string, CachedState<TState>>;

  constructor(maxStreams = 10_000) {
    this.entries = new LruMap(maxStreams);
  }

  get(stream: string): CachedState<TState> | undefined {
    return this.entries.get(stream);
  }

  set(stream: string, entry: CachedState<TState>): void {
    this.entries.set(stream, entry);
  }

  forget(stream: string): void {
    this.entries.delete(stream);
  }
}
