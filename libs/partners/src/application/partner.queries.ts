import { Inject } from '@nestjs/common';
import { Query, QueryHandler, type IQueryHandler } from '@nestjs/cqrs';
import { notFound, type Actor } from '../../../core/src';
import { assertSameTenant } from '../../../auth/src/tenant';
import { DATABASE, type DatabaseHandle } from '../../../persistence/src/database';
import { decodeContinuationToken, toPage, type Page } from '../read-models/paging';
import '../read-models/partners.schema';
import { PartnerDirectory } from './partner-directory';
import { partnerViewOf, partnerViewOfRow, type PartnerView } from './partner.view';

export class GetPartnerQuery extends Query<PartnerView> {
  constructor(
    readonly actor: Actor,
    readonly partnerTenantId: string,
  ) {
    super();
  }
}

@QueryHandler(GetPartnerQuery)
export class GetPartnerHandler implements IQueryHandler<GetPartnerQuery, PartnerView> {
  constructor(private readonly partners: PartnerDirectory) {}

  async execute({ actor, partnerTenantId }: GetPartnerQuery): Promise<PartnerView> {
    assertSameTenant(actor, partnerTenantId, 'partner', partnerTenantId);
    const state = await this.partners.get(partnerTenantId);
    if (!state.exists) throw notFound('partner', partnerTenantId);
    return partnerViewOf(state);
  }
}

export class ListPartnersQuery extends Query<Page<PartnerView>> {
  constructor(
    readonly limit: number,
    readonly continuationToken?: string,
  ) {
    super();
  }
}

@QueryHandler(ListPartnersQuery)
export class ListPartnersHandler implements IQueryHandler<ListPartnersQuery, Page<PartnerView>> {
  constructor(@Inject(DATABASE) private readonly database: DatabaseHandle) {}

  async execute({ limit, continuationToken }: ListPartnersQuery): Promise<Page<PartnerView>> {
    const after = decodeContinuationToken(continuationToken);
    let query = this.database.db.selectFrom('partners').selectAll();
    if (after) {
      query = query.where((eb) =>
        eb(eb.refTuple('created_at', 'tenant_id'), '>', eb.tuple(new Date(after.createdAt), after.id)),
      );
    }
    const rows = await query.orderBy('created_at').orderBy('tenant_id').limit(limit + 1).execute();
    return toPage(rows, limit, (row) => ({ createdAt: row.created_at.toISOString(), id: row.tenant_id }), partnerViewOfRow);
  }
}
