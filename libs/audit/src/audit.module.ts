import { Module } from '@nestjs/common';
import { GetAuditStreamHandler, ListAuditEventsHandler } from './application/audit.queries';
import { AuditReader } from './application/audit-reader';

/** Audit reads (R-AUDIT-1). The projection of its feed index (AuditAccessProjection) runs with the others. */
@Module({
  providers: [AuditReader, GetAuditStreamHandler, ListAuditEventsHandler],
  exports: [AuditReader],
})
export class AuditModule {}
