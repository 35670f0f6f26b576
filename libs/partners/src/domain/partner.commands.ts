import type { PartnerKind } from './partner.events';

export interface OnboardPartner {
  type: 'OnboardPartner';
  partnerTenantId: string;
  name: string;
  kind: PartnerKind;
  partnerId: string;
  country: string;
  currency: string;
  email: string;
  /** ISO-8601 instant from the handler's clock. */
  now: string;
}

export type PartnerCommand = OnboardPartner;
