import type { PartnerOnboardedData } from '../domain/partner.events';
import type { PartnersTable } from '../read-models/partners.schema';
import type { Selectable } from 'kysely';

/** A partner as the API shows it. */
export interface PartnerView {
  id: string;
  name: string;
  kind: PartnerOnboardedData['kind'];
  partnerId: string;
  country: string;
  region: string;
  currency: string;
  email: string;
  createdAt: string;
}

export function partnerViewOf(data: PartnerOnboardedData): PartnerView {
  return {
    id: data.partnerTenantId,
    name: data.name,
    kind: data.kind,
    partnerId: data.partnerId,
    country: data.country,
    region: data.region,
    currency: data.currency,
    email: data.email,
    createdAt: data.onboardedAt,
  };
}

export function partnerViewOfRow(row: Selectable<PartnersTable>): PartnerView {
  return {
    id: row.tenant_id,
    name: row.name,
    kind: row.kind as PartnerView['kind'],
    partnerId: row.partner_id,
    country: row.country,
    region: row.region,
    currency: row.currency,
    email: row.email,
    createdAt: row.created_at.toISOString(),
  };
}
