import { Module } from '@nestjs/common';
import { OnboardPartnerHandler } from './application/partner.commands';
import { PartnerDirectory } from './application/partner-directory';
import { GetPartnerHandler, ListPartnersHandler } from './application/partner.queries';

/** Partner onboarding and reads. Needs EVENT_STORE and DATABASE (global) and the CQRS buses. */
@Module({
  providers: [PartnerDirectory, OnboardPartnerHandler, GetPartnerHandler, ListPartnersHandler],
  exports: [PartnerDirectory],
})
export class PartnersModule {}
