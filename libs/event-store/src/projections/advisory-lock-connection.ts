import { Client, type ClientConfig } from 'pg';

/**
 * One dedicated PostgreSQL session that holds session-level advisory locks (one per active
 * projection). It lives outside the pool so that holding many locks never starves the pool.
 * When the session dies its locks are gone: listeners registered with `onLost` are told.
 */
export class AdvisoryLockConnection {
  private client: Client | null = null;
  private connecting: Promise<Client> | null = null;
  private readonly lostListeners = new Set<() => void>();
  /** Queries on one pg client must not overlap (pg deprecates it), so they run one after another. */
  private queue: Promise<unknown> = Promise.resolve();

  constructor(private readonly config: ClientConfig) {}

  onLost(listener: () => void): () => void {
    this.lostListeners.add(listener);
    return () => this.lostListeners.delete(listener);
  }

  async tryLock(name: string): Promise<boolean> {
    return this.serially(async () => {
      const client = await this.connect();
      const result = await client.query<{ locked: boolean }>('select pg_try_advisory_lock(hashtextextended($1, 0)) as locked', [name]);
      return result.rows[0].locked;
    });
  }

  async unlock(name: string): Promise<void> {
    await this.serially(async () => {
      if (!this.client) return; // the session is gone, and its locks with it
      await this.client.query('select pg_advisory_unlock(hashtextextended($1, 0))', [name]);
    });
  }

  /** Ends the session (its locks go with it); a later call connects again. */
  async close(): Promise<void> {
    const client = this.client ?? (await this.connecting?.catch(() => null)) ?? null;
    this.client = null;
    if (client) await client.end().catch(() => undefined);
  }

  private serially<T>(work: () => Promise<T>): Promise<T> {
    const run = this.queue.then(work, work);
    this.queue = run.catch(() => undefined);
    return run;
  }

  private async connect(): Promise<Client> {
    if (this.client) return this.client;
    if (!this.connecting) {
      this.connecting = (async () => {
        const client = new Client(this.config);
        client.on('error', () => this.lost(client));
        client.on('end', () => this.lost(client));
        await client.connect();
        this.client = client;
        return client;
      })().finally(() => {
        this.connecting = null;
      });
    }
    return this.connecting;
  }

  private lost(client: Client): void {
    if (this.client !== client) return;
    this.client = null;
    client.end().catch(() => undefined);
    for (const listener of this.lostListeners) listener();
  }
}
