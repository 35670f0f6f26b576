import { Controller, Get, Param, Query } from '@nestjs/common';
import { QueryBus } from '@nestjs/cqrs';
import { ApiBearerAuth, ApiNotFoundResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { GetAuditStreamQuery, ListAuditEventsQuery } from '../../../../libs/audit/src/application/audit.queries';
import { DEFAULT_AUDIT_PAGE, MAX_AUDIT_PAGE, type AuditPage } from '../../../../libs/audit/src/application/audit-reader';
import { PARTNER_ROLES, type Role } from '../../../../libs/auth/src/auth.types';
import { Roles } from '../../../../libs/auth/src/decorators';
import { RequestMeta } from '../request-context/request-meta.decorator';
import { AuditFeedQueryDto, AuditPageDto, AuditStreamQueryDto } from './audit.dto';

/** The operator reads every tenant's history; a partner's users read their own tenant's. */
export const AUDIT_READERS: readonly Role[] = ['operator', ...PARTNER_ROLES];

@ApiTags('audit')
@ApiBearerAuth()
@Controller('v1/audit')
export class AuditController {
  constructor(private readonly queries: QueryBus) {}

  @Get('streams/:streamName')
  @Roles(...AUDIT_READERS)
  @ApiOperation({
    summary: 'The full history of a stream with actor, correlation and causation ids (R-AUDIT-1, R-EVT-2)',
    description: 'A partner sees the events of the stream that belong to it (R-TENANT-1); the operator sees all.',
  })
  @ApiOkResponse({ type: AuditPageDto })
  @ApiNotFoundResponse({ description: 'no such stream, or none of its events is the caller\'s' })
  stream(@Param('streamName') streamName: string, @Query() query: AuditStreamQueryDto, @RequestMeta() meta: RequestMeta): Promise<AuditPage> {
    return this.queries.execute(new GetAuditStreamQuery(meta.actor, streamName, query.limit ?? MAX_AUDIT_PAGE, query.continuationToken));
  }

  @Get('events')
  @Roles(...AUDIT_READERS)
  @ApiOperation({
    summary: 'Every event after a position, in log order (tenant-scoped; the operator sees all)',
    description: 'A partner\'s feed comes from an index that may lag a moment behind the log.',
  })
  @ApiOkResponse({ type: AuditPageDto })
  events(@Query() query: AuditFeedQueryDto, @RequestMeta() meta: RequestMeta): Promise<AuditPage> {
    return this.queries.execute(new ListAuditEventsQuery(meta.actor, query.after ?? null, query.limit ?? DEFAULT_AUDIT_PAGE));
  }
}
