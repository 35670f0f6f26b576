import { Inject, Injectable } from '@nestjs/common';
import { sql } from 'kysely';
import { invalid, notFound } from '../../../core/src';
import { DATABASE, type DatabaseHandle } from '../../../persistence/src/database';
import type { Page } from '../../../partners/src/read-models/paging';
import '../read-models/webhooks.schema';
import { deliveryViewOf, type DeliveryRowForView, type DeliveryStatus, type DeliveryView } from './webhook.views';

/** Keyset paging over (event position, delivery id), oldest first. */
function encodeToken(row: { event_position: string; delivery_id: string }): string {
  return Buffer.from(JSON.stringify([row.event_position, row.delivery_id]), 'utf8').toString('base64url');
}

function decodeToken(token: string | undefined): [string, string] | null {
  if (token === undefined || token === '') return null;
  try {
    const parsed: unknown = JSON.parse(Buffer.from(token, 'base64url').toString('utf8'));
    if (Array.isArray(parsed) && parsed.length === 2 && parsed.every((part) => typeof part === 'string')) return parsed as [string, string];
  } catch {
    // refused below
  }
  throw invalid('invalid-continuation-token', 'continuationToken is not one this API issued', { field: 'continuationToken' });
}

/** Reads of the outbox joined with the sender's status. */
@Injectable()
export class DeliveryQueries {
  constructor(@Inject(DATABASE) private readonly database: DatabaseHandle) {}

  async list(webhookId: string, options: { status?: DeliveryStatus; limit: number; continuationToken?: string }): Promise<Page<DeliveryView>> {
    const after = decodeToken(options.continuationToken);
    const { rows } = await sql<DeliveryRowForView>`
      select ${COLUMNS}
      from webhook_deliveries d
      left join webhook_delivery_status s on s.delivery_id = d.delivery_id
      where d.webhook_id = ${webhookId}
        ${options.status ? sql`and coalesce(s.status, 'pending') = ${options.status}` : sql``}
        ${after ? sql`and (d.event_position, d.delivery_id) > (${after[0]}, ${after[1]}::uuid)` : sql``}
      order by d.event_position, d.delivery_id
      limit ${options.limit + 1}
    `.execute(this.database.db);
    const visible = rows.slice(0, options.limit);
    const page: Page<DeliveryView> = { items: visible.map(deliveryViewOf) };
    if (rows.length > options.limit && visible.length > 0) page.continuationToken = encodeToken(visible[visible.length - 1]);
    return page;
  }

  async get(webhookId: string, deliveryId: string): Promise<DeliveryView> {
    const isUuid = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(deliveryId);
    if (!isUuid) throw notFound('delivery', deliveryId);
    const { rows } = await sql<DeliveryRowForView>`
      select ${COLUMNS}
      from webhook_deliveries d
      left join webhook_delivery_status s on s.delivery_id = d.delivery_id
      where d.webhook_id = ${webhookId} and d.delivery_id = ${deliveryId}::uuid
    `.execute(this.database.db);
    if (rows.length === 0) throw notFound('delivery', deliveryId);
    return deliveryViewOf(rows[0]);
  }
}

const COLUMNS = sql`
  d.delivery_id::text as delivery_id, d.webhook_id, d.message_id::text as message_id, d.event_type, d.event_id::text as event_id,
  d.event_position, d.occurred_at, s.status, s.attempts, s.last_attempt_at, s.next_attempt_at, s.last_status_code, s.last_error,
  s.delivered_at, s.failed_at
`;
