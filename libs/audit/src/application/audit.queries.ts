import { Query, QueryHandler, type IQueryHandler } from '@nestjs/cqrs';
import type { Actor } from '../../../core/src';
import { AuditReader, type AuditPage } from './audit-reader';

export class GetAuditStreamQuery extends Query<AuditPage> {
  constructor(
    readonly actor: Actor,
    readonly streamName: string,
    readonly limit: number,
    readonly continuationToken?: string,
  ) {
    super();
  }
}

@QueryHandler(GetAuditStreamQuery)
export class GetAuditStreamHandler implements IQueryHandler<GetAuditStreamQuery, AuditPage> {
  constructor(private readonly reader: AuditReader) {}

  execute({ actor, streamName, limit, continuationToken }: GetAuditStreamQuery): Promise<AuditPage> {
    return this.reader.stream(actor, streamName, { limit, continuationToken });
  }
}

export class ListAuditEventsQuery extends Query<AuditPage> {
  constructor(
    readonly actor: Actor,
    readonly after: string | null,
    readonly limit: number,
  ) {
    super();
  }
}

@QueryHandler(ListAuditEventsQuery)
export class ListAuditEventsHandler implements IQueryHandler<ListAuditEventsQuery, AuditPage> {
  constructor(private readonly reader: AuditReader) {}

  execute({ actor, after, limit }: ListAuditEventsQuery): Promise<AuditPage> {
    return this.reader.feed(actor, after, limit);
  }
}
