import { Body, Controller, Get, Param, Post, Query } from '@nestjs/common';
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
import { PARTNER_ROLES } from '../../../../libs/auth/src/auth.types';
import { Roles } from '../../../../libs/auth/src/decorators';
import { OnboardPartnerCommand } from '../../../../libs/partners/src/application/partner.commands';
import { GetPartnerQuery, ListPartnersQuery } from '../../../../libs/partners/src/application/partner.queries';
import type { PartnerView } from '../../../../libs/partners/src/application/partner.view';
import { DEFAULT_PAGE_SIZE, type Page } from '../../../../libs/partners/src/read-models/paging';
import { CommandContextFactory } from '../request-context/command-context.factory';
import { RequestMeta } from '../request-context/request-meta.decorator';
import { ListQueryDto } from './list-query.dto';
import { CreatePartnerDto, PartnerDto, PartnerPageDto } from './partner.dto';

@ApiTags('partners')
@ApiBearerAuth()
@Controller('v1/partners')
export class PartnersController {
  constructor(
    private readonly commands: CommandBus,
    private readonly queries: QueryBus,
    private readonly contexts: CommandContextFactory,
  ) {}

  @Post()
  @Roles('operator')
  @ApiOperation({ summary: 'Onboard a partner (operator)' })
  @ApiCreatedResponse({ type: PartnerDto })
  @ApiConflictResponse({ description: '`partner-id-taken`: another partner holds this partnerId' })
  @ApiUnprocessableEntityResponse({ description: '`country-not-supported`, `currency-not-supported`' })
  create(@Body() body: CreatePartnerDto, @RequestMeta() meta: RequestMeta): Promise<PartnerView> {
    return this.commands.execute(new OnboardPartnerCommand({ ...body }, this.contexts.forRequest(meta)));
  }

  @Get()
  @Roles('operator')
  @ApiOperation({ summary: 'List partners (operator); from a read model' })
  @ApiOkResponse({ type: PartnerPageDto })
  list(@Query() query: ListQueryDto): Promise<Page<PartnerView>> {
    return this.queries.execute(new ListPartnersQuery(query.limit ?? DEFAULT_PAGE_SIZE, query.continuationToken));
  }

  @Get(':partnerTenantId')
  @Roles('operator', ...PARTNER_ROLES)
  @ApiOperation({ summary: 'One partner: the operator, or the partner itself' })
  @ApiOkResponse({ type: PartnerDto })
  @ApiNotFoundResponse({ description: 'unknown, or another partner' })
  get(@Param('partnerTenantId') partnerTenantId: string, @RequestMeta() meta: RequestMeta): Promise<PartnerView> {
    return this.queries.execute(new GetPartnerQuery(meta.actor, partnerTenantId));
  }
}
