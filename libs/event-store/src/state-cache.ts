/** A map that forgets its least recently used entries beyond a size. */
export class LruMap<K, V> {
  private readonly map = new Map<K, V>();
  constructor(private readonly max: number) {}

  get(key: K): V | undefined {
    const value = this.map.get(key);
    if (value !== undefined) {
      this.map.delete(key);
      this.map.set(key, value);
    }
    return value;
  }

  set(key: K, value: V): void {
    this.map.delete(key);
    this.map.set(key, value);
    if (this.map.size > this.max) this.map.delete(this.map.keys().next().value as K);
  }

  delete(key: K): void {
    this.map.delete(key);
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
