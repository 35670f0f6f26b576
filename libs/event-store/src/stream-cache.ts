import { fold, type Decider, type DomainEvent } from '../../core/src';
import type { EventStore } from './port';
import { LruMap } from './state-cache';

type FoldDecider = Pick<Decider<unknown, unknown, DomainEvent>, 'initialState' | 'evolve'>;

export interface FoldRequest {
  stream: string;
  decider: FoldDecider;
  /** Derived value kept with the state (e.g. an index built from it). */
  project?: (state: unknown) => unknown;
}

export interface Folded {
  state: unknown;
  version: number;
  projected: unknown;
}

const MAX_ENTRIES = 20_000;

/**
 * Folded streams kept in memory and revalidated against the store: one query asks the current
 * version of every stream a command needs, and only the streams that moved are read again. The
 * answer is exactly what reading every stream would give (never stale), for one round trip instead
 * of one per stream. Stores without `streamVersions` read every stream.
 */
export class StreamCache {
  private readonly entries = new LruMap<string, Folded>(MAX_ENTRIES);

  constructor(private readonly store: EventStore) {}

  /** The cached fold of a stream without asking the store (for streams whose events never change it, or a first guess). */
  peek(stream: string): Folded | undefined {
    return this.entries.get(stream);
  }

  /** Keeps a fold the caller just wrote. */
  remember(stream: string, folded: Folded): void {
    this.entries.set(stream, folded);
  }

  async foldMany(requests: readonly FoldRequest[]): Promise<Folded[]> {
    const versions = await this.versions(requests.map((r) => r.stream));
    return Promise.all(
      requests.map(async (request) => {
        const cached = this.entries.get(request.stream);
        const current = versions?.get(request.stream) ?? -1;
        if (versions && cached && cached.version === current) return cached;
        const { version, events } = await this.store.readStream(request.stream);
        const state = fold(request.decider, events as unknown as DomainEvent[]);
        const folded = { state, version, projected: request.project ? request.project(state) : state };
        if (version >= 0) this.entries.set(request.stream, folded);
        return folded;
      }),
    );
  }

  /** Current version of each stream (absent: no events), or null when the store cannot tell cheaply. */
  private async versions(streams: readonly string[]): Promise<Map<string, number> | null> {
    if (!this.store.streamVersions || streams.length === 0) return null;
    return this.store.streamVersions(streams);
  }
}
