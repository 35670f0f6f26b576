import { Inject } from '@nestjs/common';
import { Query, QueryHandler, type IQueryHandler } from '@nestjs/cqrs';
import type { Actor } from '../../../core/src';
import { isOperator } from '../../../auth/src/tenant';
import { DATABASE, type DatabaseHandle } from '../../../persistence/src/database';
import { decodeContinuationToken, toPage, type Page } from '../../../partners/src/read-models/paging';
import '../read-models/customers.schema';
import { CustomerAccess } from './customer-access';
import {
  agreementViewOf,
  customerListItemOf,
  customerViewFor,
  type AgreementView,
  type CustomerListItem,
  type CustomerView,
} from './customer.view';

export class GetCustomerQuery extends Query<CustomerView> {
  constructor(
    readonly actor: Actor,
    readonly customerId: string,
  ) {
    super();
  }
}

@QueryHandler(GetCustomerQuery)
export class GetCustomerHandler implements IQueryHandler<GetCustomerQuery, CustomerView> {
  constructor(private readonly customers: CustomerAccess) {}

  async execute({ actor, customerId }: GetCustomerQuery): Promise<CustomerView> {
    const { state, version } = await this.customers.visibleTo(actor, customerId);
    return customerViewFor(state, actor, version);
  }
}

export class ListCustomerAgreementsQuery extends Query<Page<AgreementView>> {
  constructor(
    readonly actor: Actor,
    readonly customerId: string,
  ) {
    super();
  }
}

@QueryHandler(ListCustomerAgreementsQuery)
export class ListCustomerAgreementsHandler implements IQueryHandler<ListCustomerAgreementsQuery, Page<AgreementView>> {
  constructor(private readonly customers: CustomerAccess) {}

  async execute({ actor, customerId }: ListCustomerAgreementsQuery): Promise<Page<AgreementView>> {
    const { state } = await this.customers.visibleTo(actor, customerId);
    return { items: state.agreements.map(agreementViewOf) };
  }
}

export class ListCustomersQuery extends Query<Page<CustomerListItem>> {
  constructor(
    readonly actor: Actor,
    readonly limit: number,
    readonly continuationToken?: string,
  ) {
    super();
  }
}

/** R-TENANT-1: a partner lists its related customers, a customer admin its own tenant, the operator all. */
@QueryHandler(ListCustomersQuery)
export class ListCustomersHandler implements IQueryHandler<ListCustomersQuery, Page<CustomerListItem>> {
  constructor(@Inject(DATABASE) private readonly database: DatabaseHandle) {}

  async execute({ actor, limit, continuationToken }: ListCustomersQuery): Promise<Page<CustomerListItem>> {
    const after = decodeContinuationToken(continuationToken);
    let query = this.database.db.selectFrom('customers as c').selectAll('c');
    if (!isOperator(actor)) {
      if (actor.roles.includes('customer-admin')) {
        query = query.where('c.customer_id', '=', actor.tenantId);
      } else {
        query = query.where(({ exists, selectFrom }) =>
          exists(
            selectFrom('customer_partner_relationships as r')
              .select('r.customer_id')
              .whereRef('r.customer_id', '=', 'c.customer_id')
              .where('r.partner_tenant_id', '=', actor.tenantId),
          ),
        );
      }
    }
    if (after) {
      query = query.where((eb) => eb(eb.refTuple('c.created_at', 'c.customer_id'), '>', eb.tuple(new Date(after.createdAt), after.id)));
    }
    const rows = await query.orderBy('c.created_at').orderBy('c.customer_id').limit(limit + 1).execute();
    return toPage(rows, limit, (row) => ({ createdAt: row.created_at.toISOString(), id: row.customer_id }), customerListItemOf);
  }
}
