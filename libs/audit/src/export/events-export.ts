import { once } from 'node:events';
import type { Writable } from 'node:stream';
import type { EventStore } from '../../../event-store/src/port';
import { toAuditEvent } from '../audit-event';

export interface ExportOptions {
  /** Start after this position (null: from the first event). */
  after?: string | null;
  batchSize?: number;
  onProgress?(exported: number): void;
}

export interface ExportResult {
  exported: number;
  /** Position of the last event written (pass it as `after` to continue later). */
  lastPosition: string | null;
}

/**
 * Writes every event in log order as one JSON line (the audit event shape, secrets redacted).
 * Streams page by page and waits for the output to drain, so memory stays constant whatever the
 * size of the log.
 */
export async function exportEvents(store: EventStore, out: Writable, options: ExportOptions = {}): Promise<ExportResult> {
  const batchSize = options.batchSize ?? 1000;
  let after = options.after ?? null;
  let exported = 0;
  for (;;) {
    const events = await store.readAll(after, batchSize);
    if (events.length === 0) break;
    let chunk = '';
    for (const event of events) chunk += `${JSON.stringify(toAuditEvent(event))}\n`;
    if (!out.write(chunk)) await once(out, 'drain');
    after = events[events.length - 1].position;
    exported += events.length;
    options.onProgress?.(exported);
  }
  return { exported, lastPosition: after };
}
