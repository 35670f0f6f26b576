import { Module } from '@nestjs/common';
import { CustomersModule } from '../../customers/src/customers.module';
import { PartnersModule } from '../../partners/src/partners.module';
import { SubscriptionsModule } from '../../subscriptions/src/subscriptions.module';
import {
  CancelCspRenewalHandler,
  GetCspRenewalHandler,
  GetEaAgreementHandler,
  ImportEaAgreementHandler,
  ListActivityLogHandler,
  ListEaAgreementsHandler,
  ListEaSubscriptionsHandler,
  ScheduleCspRenewalHandler,
} from './application/ea-transfer.handlers';
import { EaPartnerImports } from './application/ea-partner-imports';
import { EaTransferReader } from './application/ea-transfer.reader';
import { EaTransferQueries } from './read-models/ea-transfer.queries';

/**
 * The EA-to-CSP channel transfer (SPEC section 8). Needs EVENT_STORE, DATABASE, Clock and the
 * catalog, the job options and the projection runner (global), the CQRS buses, and customers,
 * partners and subscriptions (imported). Its projections, timer rules and processors are
 * registered in the application's feature lists; the EA import jobs (R-EA-15) run in worker processes.
 */
@Module({
  imports: [CustomersModule, PartnersModule, SubscriptionsModule],
  providers: [
    EaTransferReader,
    EaTransferQueries,
    EaPartnerImports,
    ImportEaAgreementHandler,
    ListEaAgreementsHandler,
    GetEaAgreementHandler,
    ListEaSubscriptionsHandler,
    GetCspRenewalHandler,
    ScheduleCspRenewalHandler,
    CancelCspRenewalHandler,
    ListActivityLogHandler,
  ],
  exports: [EaTransferReader, EaTransferQueries, EaPartnerImports],
})
export class EaTransferModule {}
