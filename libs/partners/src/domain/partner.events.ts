import type { DomainEvent } from '../../../core/src';
import type { CspRegionId } from '../../../regions/src';

export const PARTNER_KINDS = ['direct', 'indirect-provider', 'indirect-reseller'] as const;
export type PartnerKind = (typeof PARTNER_KINDS)[number];

export interface PartnerOnboardedData {
  partnerTenantId: string;
  name: string;
  kind: PartnerKind;
  /** MPN / partner-location id (digits). */
  partnerId: string;
  country: string;
  region: CspRegionId;
  currency: string;
  email: string;
  onboardedAt: string;
}

export type PartnerOnboarded = DomainEvent<'PartnerOnboarded', PartnerOnboardedData>;
export type PartnerEvent = PartnerOnboarded;

export const PARTNER_EVENT_TYPES = ['PartnerOnboarded'] as const satisfies readonly PartnerEvent['type'][];
