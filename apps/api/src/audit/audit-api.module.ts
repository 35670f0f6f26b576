import { Module } from '@nestjs/common';
import { AuditModule } from '../../../../libs/audit/src/audit.module';
import { AuditController } from './audit.controller';

@Module({
  imports: [AuditModule],
  controllers: [AuditController],
})
export class AuditApiModule {}
