import type { Pool } from 'pg';

export interface BatchedLookupOptions {
  /** Queries running at once (each holds a pool connection while it runs). */
  maxInFlight: number;
  /** Distinct keys in one query at most. */
  maxKeys: number;
}

/**
 * The query that looks up many keys at once: `$1` is a text[] of keys; it answers their rows in
 * the order each key's rows should keep; `keyOf` tells which key a row belongs to.
 */
export interface LookupQuery<Row> {
  name: string;
  text: string;
  keyOf(row: Row): string;
  /** The same lookup for one key (`$1` is that key), cheaper when a query carries only one. */
  one?: { name: string; text: string };
}

interface PendingRead<Row> {
  settle(rows: Row[]): void;
  fail(error: unknown): void;
}

/**
 * Shared queries for lookups by key (a stream's events, a customer's rows). A round trip to
 * PostgreSQL costs far more CPU (process wakeups) than an indexed lookup, so lookups that arrive
 * while earlier queries are running wait and then go together as one query. Callers that wait for
 * the same key share its rows. A lookup never joins a query already running: that query may have
 * started before the caller's own latest write.
 */
export class BatchedLookup<Row> {
  /** Waiting readers per key, oldest key first. */
  private readonly waiting = new Map<string, PendingRead<Row>[]>();
  private inFlight = 0;

  constructor(
    private readonly pool: Pool,
    private readonly query: LookupQuery<Row>,
    private readonly options: BatchedLookupOptions,
  ) {}

  rowsOf(key: string): Promise<Row[]> {
    return new Promise((settle, fail) => {
      const readers = this.waiting.get(key);
      if (readers) readers.push({ settle, fail });
      else this.waiting.set(key, [{ settle, fail }]);
      this.pump();
    });
  }

  private pump(): void {
    while (this.inFlight < this.options.maxInFlight && this.waiting.size > 0) {
      this.inFlight++;
      void this.send(this.takeBatch()).finally(() => {
        this.inFlight--;
        this.pump();
      });
    }
  }

  /** The keys waiting longest, with their readers; they leave the queue. */
  private takeBatch(): Map<string, PendingRead<Row>[]> {
    const batch = new Map<string, PendingRead<Row>[]>();
    for (const [stream, readers] of this.waiting) {
      if (batch.size >= this.options.maxKeys) break;
      batch.set(stream, readers);
    }
    for (const stream of batch.keys()) this.waiting.delete(stream);
    return batch;
  }

  private async send(batch: Map<string, PendingRead<Row>[]>): Promise<void> {
    let rowsByKey: Map<string, Row[]>;
    try {
      rowsByKey = await this.execute([...batch.keys()]);
    } catch (error) {
      for (const readers of batch.values()) for (const reader of readers) reader.fail(error);
      return;
    }
    for (const [key, readers] of batch) {
      const rows = rowsByKey.get(key) ?? [];
      for (const reader of readers) reader.settle(rows);
    }
  }

  private async execute(keys: string[]): Promise<Map<string, Row[]>> {
    const { name, text, keyOf, one } = this.query;
    const statement = keys.length === 1 && one ? { ...one, values: keys } : { name, text, values: [keys] };
    const { rows } = await this.pool.query<Row & object>(statement);
    const byKey = new Map<string, Row[]>();
    for (const row of rows) {
      const key = keyOf(row);
      const rowsOfKey = byKey.get(key);
      if (rowsOfKey) rowsOfKey.push(row);
      else byKey.set(key, [row]);
    }
    return byKey;
  }
}
