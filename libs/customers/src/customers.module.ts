import { Module } from '@nestjs/common';
import { PartnersModule } from '../../partners/src/partners.module';
import { CustomerAccess } from './application/customer-access';
import {
  AcceptRelationshipRequestHandler,
  AttestCustomerAgreementHandler,
  CreateCustomerHandler,
  IssueRelationshipRequestHandler,
} from './application/customer.commands';
import { GetCustomerHandler, ListCustomerAgreementsHandler, ListCustomersHandler } from './application/customer.queries';

/** Customers, relationships and agreements. Exports CustomerAccess for the purchase flow. */
@Module({
  imports: [PartnersModule],
  providers: [
    CustomerAccess,
    CreateCustomerHandler,
    IssueRelationshipRequestHandler,
    AcceptRelationshipRequestHandler,
    AttestCustomerAgreementHandler,
    GetCustomerHandler,
    ListCustomersHandler,
    ListCustomerAgreementsHandler,
  ],
  exports: [CustomerAccess],
})
export class CustomersModule {}
