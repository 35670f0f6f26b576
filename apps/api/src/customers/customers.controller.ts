import { Body, Controller, Get, HttpCode, Param, Post, Query, Req } from '@nestjs/common';
import { CommandBus, QueryBus } from '@nestjs/cqrs';
import {
  ApiBearerAuth,
  ApiConflictResponse,
  ApiCreatedResponse,
  ApiNotFoundResponse,
  ApiOkResponse,
  ApiOperation,
  ApiTags,
  ApiUnprocessableEntityResponse,
} from '@nestjs/swagger';
import { PARTNER_ROLES, ROLE_RULES, type Role } from '../../../../libs/auth/src/auth.types';
import { Roles } from '../../../../libs/auth/src/decorators';
import {
  AcceptRelationshipRequestCommand,
  AttestCustomerAgreementCommand,
  CreateCustomerCommand,
  IssueRelationshipRequestCommand,
  type AcceptedRelationship,
  type CreatedCustomer,
} from '../../../../libs/customers/src/application/customer.commands';
import {
  GetCustomerQuery,
  ListCustomerAgreementsQuery,
  ListCustomersQuery,
} from '../../../../libs/customers/src/application/customer.queries';
import type { AgreementView, CustomerListItem, CustomerView } from '../../../../libs/customers/src/application/customer.view';
import type { Page } from '../../../../libs/partners/src/read-models/paging';
import { pageRequestFrom } from '../common/paging';
import { ListQueryDto } from '../partners/list-query.dto';
import { ShownOnce } from '../idempotency/idempotency-key';
import { CommandContextFactory } from '../request-context/command-context.factory';
import { RequestMeta } from '../request-context/request-meta.decorator';
import {
  AcceptedRelationshipDto,
  AgreementDto,
  AgreementPageDto,
  CreateAgreementDto,
  CreateCustomerDto,
  CreatedCustomerDto,
  CreateRelationshipRequestDto,
  CustomerDto,
  CustomerPageDto,
  RelationshipRequestDto,
} from './customer.dto';

/** Everyone who may read customers; what each one sees is narrowed by R-TENANT-1. */
const CUSTOMER_READERS: readonly Role[] = ['operator', 'customer-admin', ...PARTNER_ROLES];
/** R-ROLE-1 ∪ R-ROLE-4: attest the customer agreement before a purchase. */
const AGREEMENT_WRITERS: readonly Role[] = [...new Set<Role>([...ROLE_RULES.manageLicenses, ...ROLE_RULES.manageCustomers])];

@ApiTags('customers')
@ApiBearerAuth()
@Controller('v1/customers')
export class CustomersController {
  constructor(
    private readonly commands: CommandBus,
    private readonly queries: QueryBus,
    private readonly contexts: CommandContextFactory,
  ) {}

  @Post()
  @ShownOnce('adminCredentials')
  @Roles(...ROLE_RULES.manageCustomers)
  @ApiOperation({ summary: 'Create a customer (R-CUST-1, R-CUST-2, R-CUST-4; roles R-ROLE-4)' })
  @ApiCreatedResponse({ type: CreatedCustomerDto, description: '`adminCredentials` appear in this answer only' })
  @ApiConflictResponse({ description: '`domain-taken`' })
  @ApiUnprocessableEntityResponse({
    description: '`region-mismatch`, `country-not-supported`, `partner-not-onboarded`, `indirect-reseller-not-found`, `not-an-indirect-provider`, `not-an-indirect-reseller`',
  })
  create(@Body() body: CreateCustomerDto, @RequestMeta() meta: RequestMeta): Promise<CreatedCustomer> {
    const { contact, ...rest } = body;
    return this.commands.execute(new CreateCustomerCommand({ ...rest, contact: { ...contact } }, this.contexts.forRequest(meta)));
  }

  @Get()
  @Roles(...CUSTOMER_READERS)
  @ApiOperation({ summary: 'The caller\'s customers (R-TENANT-1); from a read model' })
  @ApiOkResponse({ type: CustomerPageDto })
  list(@Query() query: ListQueryDto, @RequestMeta() meta: RequestMeta): Promise<Page<CustomerListItem>> {
    const page = pageRequestFrom(query);
    return this.queries.execute(new ListCustomersQuery(meta.actor, page.limit, page.continuationToken));
  }

  @Get(':customerId')
  @Roles(...CUSTOMER_READERS)
  @ApiOperation({ summary: 'One customer, reflecting the caller\'s own writes' })
  @ApiOkResponse({ type: CustomerDto })
  @ApiNotFoundResponse({ description: 'unknown, or not related to the caller (R-TENANT-1)' })
  get(@Param('customerId') customerId: string, @RequestMeta() meta: RequestMeta): Promise<CustomerView> {
    return this.queries.execute(new GetCustomerQuery(meta.actor, customerId));
  }

  @Post(':customerId/agreements')
  @Roles(...AGREEMENT_WRITERS)
  @ApiOperation({ summary: 'Attest the customer\'s acceptance of the customer agreement (R-CUST-6)' })
  @ApiCreatedResponse({ type: AgreementDto })
  @ApiNotFoundResponse({ description: 'unknown, or not related to the caller (R-TENANT-1)' })
  @ApiUnprocessableEntityResponse({ description: '`date-agreed-in-future`' })
  attest(
    @Param('customerId') customerId: string,
    @Body() body: CreateAgreementDto,
    @RequestMeta() meta: RequestMeta,
  ): Promise<AgreementView> {
    const input = { type: body.type, primaryContact: { ...body.primaryContact }, dateAgreed: body.dateAgreed };
    return this.commands.execute(new AttestCustomerAgreementCommand(customerId, input, this.contexts.forRequest(meta)));
  }

  @Get(':customerId/agreements')
  @Roles(...CUSTOMER_READERS)
  @ApiOperation({ summary: 'The customer\'s attested agreements' })
  @ApiOkResponse({ type: AgreementPageDto })
  @ApiNotFoundResponse({ description: 'unknown, or not related to the caller (R-TENANT-1)' })
  agreements(@Param('customerId') customerId: string, @RequestMeta() meta: RequestMeta): Promise<Page<AgreementView>> {
    return this.queries.execute(new ListCustomerAgreementsQuery(meta.actor, customerId));
  }
}

interface RequestWithHost {
  protocol?: string;
  headers: Record<string, string | string[] | undefined>;
}

@ApiTags('customers')
@ApiBearerAuth()
@Controller('v1/relationship-requests')
export class RelationshipRequestsController {
  constructor(
    private readonly commands: CommandBus,
    private readonly contexts: CommandContextFactory,
  ) {}

  @Post()
  @ShownOnce('token', 'url')
  @Roles(...ROLE_RULES.manageCustomers)
  @ApiOperation({
    summary: 'Request a reseller relationship with an existing customer tenant (R-CUST-3; roles R-ROLE-4)',
    description: 'The token is single-use and expires after 90 days; only a hash of its secret is stored.',
  })
  @ApiCreatedResponse({ type: RelationshipRequestDto })
  @ApiUnprocessableEntityResponse({ description: '`region-mismatch`, `customer-not-found`, `partner-not-onboarded`' })
  @ApiConflictResponse({ description: '`relationship-already-exists`' })
  async create(
    @Body() body: CreateRelationshipRequestDto,
    @RequestMeta() meta: RequestMeta,
    @Req() request: RequestWithHost,
  ): Promise<RelationshipRequestDto> {
    const issued = await this.commands.execute(new IssueRelationshipRequestCommand(body.customerId, this.contexts.forRequest(meta)));
    const host = typeof request.headers.host === 'string' ? request.headers.host : 'localhost';
    const url = `${request.protocol ?? 'http'}://${host}/v1/relationship-requests/${encodeURIComponent(issued.token)}/accept`;
    return { url, token: issued.token, expiresAt: issued.expiresAt };
  }

  @Post(':token/accept')
  @HttpCode(200)
  @Roles('customer-admin')
  @ApiOperation({ summary: 'The customer\'s admin accepts a relationship request (R-CUST-3, R-CUST-4, R-CUST-5)' })
  @ApiOkResponse({ type: AcceptedRelationshipDto })
  @ApiNotFoundResponse({ description: 'unknown token' })
  @ApiConflictResponse({ description: '`token-already-used`, `relationship-already-exists`' })
  @ApiUnprocessableEntityResponse({ description: '`token-expired`, `region-mismatch`, `relationship-request-for-another-customer`' })
  accept(@Param('token') token: string, @RequestMeta() meta: RequestMeta): Promise<AcceptedRelationship> {
    return this.commands.execute(new AcceptRelationshipRequestCommand(token, this.contexts.forRequest(meta)));
  }
}
