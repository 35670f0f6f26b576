import { Module } from '@nestjs/common';
import { EaTransferModule } from '../../../../libs/ea-transfer/src/ea-transfer.module';
import { ActivityLogController, EaAgreementsController, EaImportController } from './ea-transfer.controller';

/** The EA-to-CSP channel transfer and the activity log over HTTP. */
@Module({
  imports: [EaTransferModule],
  controllers: [EaImportController, EaAgreementsController, ActivityLogController],
})
export class EaTransferApiModule {}
