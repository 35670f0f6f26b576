import { Inject, Injectable } from '@nestjs/common';
import { sql } from 'kysely';
import { invalid, notFound, type Actor, type EventMetadata, type RecordedEvent } from '../../../core/src';
import { OPERATOR_TENANT } from '../../../auth/src/auth.types';
import { isOperator } from '../../../auth/src/tenant';
import { EVENT_STORE, type EventStore } from '../../../event-store/src/port';
import { decodePosition, encodePosition, PostgresEventStore } from '../../../event-store/src/postgres/postgres-event-store';
import { DATABASE, type DatabaseHandle } from '../../../persistence/src/database';
import { EVENT_MAP } from '../../../webhooks/src/event-map';
import { toAuditEvent, type AuditEvent } from '../audit-event';
import '../read-models/audit-access.schema';

export interface AuditPage {
  items: AuditEvent[];
  /** Pass it as `after` (feed) or `continuationToken` (stream) for the next page. */
  continuationToken?: string;
}

export const DEFAULT_AUDIT_PAGE = 100;
export const MAX_AUDIT_PAGE = 1000;
/** Events a non-PostgreSQL store's feed reads per request for a partner before it answers. */
const SCAN_BUDGET = 10_000;

/** The event is one the actor may read (R-TENANT-1); the operator reads all. */
export function visibleTo(actor: Actor, event: RecordedEvent): boolean {
  return isOperator(actor) || EVENT_MAP.auditTenantsOf(event, OPERATOR_TENANT).includes(actor.tenantId);
}

/**
 * Audit reads (R-AUDIT-1, R-EVT-2): the history of one stream, folded from the store, and the
 * global feed in log order. A partner sees the events of its own tenant, its customers and its
 * subscriptions, as the event map assigns them; the operator sees everything.
 */
@Injectable()
export class AuditReader {
  constructor(
    @Inject(EVENT_STORE) private readonly store: EventStore,
    @Inject(DATABASE) private readonly database: DatabaseHandle,
  ) {}

  /** One stream from version `fromVersion` on; 404 when the actor sees none of its events. */
  async stream(actor: Actor, streamName: string, options: { limit: number; continuationToken?: string }): Promise<AuditPage> {
    const from = options.continuationToken === undefined ? 0 : parseVersionToken(options.continuationToken);
    const { events } = await this.store.readStream(streamName);
    const visible = events.filter((event) => visibleTo(actor, event));
    if (visible.length === 0) throw notFound('stream', streamName);
    const rest = visible.filter((event) => event.streamVersion >= from);
    const items = rest.slice(0, options.limit);
    const page: AuditPage = { items: items.map((event) => toAuditEvent(event)) };
    if (rest.length > items.length) page.continuationToken = String(rest[items.length].streamVersion);
    return page;
  }

  /** The global feed after a position, oldest first. */
  async feed(actor: Actor, after: string | null, limit: number): Promise<AuditPage> {
    if (after !== null) this.checkPosition(after);
    if (isOperator(actor)) {
      const events = await this.store.readAll(after, limit);
      return pageOf(events, limit);
    }
    if (this.store instanceof PostgresEventStore) return pageOf(await this.partnerFeedFromIndex(actor.tenantId, after, limit), limit);
    return this.partnerFeedByScan(actor, after, limit);
  }

  private async partnerFeedFromIndex(tenantId: string, after: string | null, limit: number): Promise<RecordedEvent[]> {
    const { rows } = await sql<EventRow>`
      select e.event_id::text as event_id, e.stream_name, e.stream_version, e.type, e.data, e.metadata, e.recorded_at,
             e.transaction_id::text as transaction_id, e.position::text as position
      from audit_event_access a
      join events e on e.event_id = a.event_id
      where a.tenant_id = ${tenantId} and a.position > ${after ?? ''}
      order by a.position
      limit ${limit}
    `.execute(this.database.db);
    return rows.map((row) => ({
      eventId: row.event_id,
      type: row.type,
      data: row.data,
      metadata: row.metadata,
      streamName: row.stream_name,
      streamVersion: row.stream_version,
      position: encodePosition(row.transaction_id, row.position),
      recordedAt: row.recorded_at.toISOString(),
    }));
  }

  /** Stores without the index: read the log and keep what the partner may see, within a budget. */
  private async partnerFeedByScan(actor: Actor, after: string | null, limit: number): Promise<AuditPage> {
    const items: RecordedEvent[] = [];
    let cursor = after;
    let scanned = 0;
    while (items.length < limit && scanned < SCAN_BUDGET) {
      const batch = await this.store.readAll(cursor, 500);
      if (batch.length === 0) return { items: items.map((event) => toAuditEvent(event)) };
      for (const event of batch) {
        cursor = event.position;
        scanned++;
        if (visibleTo(actor, event)) items.push(event);
        if (items.length === limit) break;
      }
    }
    const page: AuditPage = { items: items.map((event) => toAuditEvent(event)) };
    if (cursor !== null && cursor !== after) page.continuationToken = cursor;
    return page;
  }

  private checkPosition(after: string): void {
    if (!(this.store instanceof PostgresEventStore)) return;
    try {
      decodePosition(after);
    } catch {
      throw invalid('invalid-position', 'after must be the position of an event of this log', { field: 'after' });
    }
  }
}

function pageOf(events: RecordedEvent[], limit: number): AuditPage {
  const page: AuditPage = { items: events.map((event) => toAuditEvent(event)) };
  if (events.length === limit && events.length > 0) page.continuationToken = events[events.length - 1].position;
  return page;
}

function parseVersionToken(token: string): number {
  if (!/^\d{1,10}$/.test(token)) throw invalid('invalid-continuation-token', 'continuationToken is not one this API issued', { field: 'continuationToken' });
  return Number(token);
}

interface EventRow {
  event_id: string;
  stream_name: string;
  stream_version: number;
  type: string;
  data: unknown;
  metadata: EventMetadata;
  recorded_at: Date;
  transaction_id: string;
  position: string;
}
