import type { Pool } from 'pg';

export interface ReadBatcherOptions {
  /** Queries running at once (each holds a pool connection while it runs). */
  maxInFlight: number;
  /** Distinct streams in one query at most. */
  maxStreams: number;
}

/**
 * The query that reads many streams at once: `$1` is a text[] of stream names; it answers their
 * rows, each with its `stream_name`, in stream version order within a stream.
 */
export interface StreamsQuery {
  name: string;
  text: string;
}

interface PendingRead<Row> {
  settle(rows: Row[]): void;
  fail(error: unknown): void;
}

/**
 * Shared queries for stream reads. A round trip to PostgreSQL costs far more CPU (process
 * wakeups) than reading a stream, so reads that arrive while earlier queries are running wait and
 * then go together as one query. Callers that wait for the same stream share its rows. A read
 * never joins a query already running: that query may have started before the caller's own
 * latest append.
 */
export class ReadBatcher<Row extends { stream_name: string }> {
  /** Waiting readers per stream, oldest stream first. */
  private readonly waiting = new Map<string, PendingRead<Row>[]>();
  private inFlight = 0;

  constructor(
    private readonly pool: Pool,
    private readonly query: StreamsQuery,
    private readonly options: ReadBatcherOptions,
  ) {}

  read(stream: string): Promise<Row[]> {
    return new Promise((settle, fail) => {
      const readers = this.waiting.get(stream);
      if (readers) readers.push({ settle, fail });
      else this.waiting.set(stream, [{ settle, fail }]);
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

  /** The streams waiting longest, with their readers; they leave the queue. */
  private takeBatch(): Map<string, PendingRead<Row>[]> {
    const batch = new Map<string, PendingRead<Row>[]>();
    for (const [stream, readers] of this.waiting) {
      if (batch.size >= this.options.maxStreams) break;
      batch.set(stream, readers);
    }
    for (const stream of batch.keys()) this.waiting.delete(stream);
    return batch;
  }

  private async send(batch: Map<string, PendingRead<Row>[]>): Promise<void> {
    let rowsByStream: Map<string, Row[]>;
    try {
      rowsByStream = await this.execute([...batch.keys()]);
    } catch (error) {
      for (const readers of batch.values()) for (const reader of readers) reader.fail(error);
      return;
    }
    for (const [stream, readers] of batch) {
      const rows = rowsByStream.get(stream) ?? [];
      for (const reader of readers) reader.settle(rows);
    }
  }

  private async execute(streams: string[]): Promise<Map<string, Row[]>> {
    const { rows } = await this.pool.query<Row>({ ...this.query, values: [streams] });
    return groupByStream(rows);
  }
}

/** Keeps the order of the rows within each stream. */
function groupByStream<Row extends { stream_name: string }>(rows: Row[]): Map<string, Row[]> {
  const byStream = new Map<string, Row[]>();
  for (const row of rows) {
    const rowsOfStream = byStream.get(row.stream_name);
    if (rowsOfStream) rowsOfStream.push(row);
    else byStream.set(row.stream_name, [row]);
  }
  return byStream;
}
