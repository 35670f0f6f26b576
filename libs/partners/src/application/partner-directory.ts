import { Inject, Injectable } from '@nestjs/common';
import { loadState } from '../../../event-store/src/handle-command';
import { EVENT_STORE, type EventStore } from '../../../event-store/src/port';
import { streamName } from '../../../core/src';
import { partnerDecider, type PartnerState } from '../domain/partner.decider';
import { PARTNER_ID_RESERVATION, partnerIdReservation } from '../domain/reservation.decider';

export type OnboardedPartner = Extract<PartnerState, { exists: true }>;

export const partnerStream = (partnerTenantId: string) => streamName('partner', partnerTenantId);
export const partnerIdStream = (partnerId: string) => streamName(PARTNER_ID_RESERVATION, partnerId);

/** Consistent reads of partners, folded from their streams (not from the lagging read model). */
@Injectable()
export class PartnerDirectory {
  constructor(@Inject(EVENT_STORE) private readonly store: EventStore) {}

  async get(partnerTenantId: string): Promise<PartnerState> {
    return (await loadState(this.store, partnerDecider, partnerStream(partnerTenantId))).state;
  }

  async exists(partnerTenantId: string): Promise<boolean> {
    return (await this.get(partnerTenantId)).exists;
  }

  /** The onboarded partner holding an MPN id (R-IND-4 verification), or null. */
  async findByPartnerId(partnerId: string): Promise<OnboardedPartner | null> {
    const { state } = await loadState(this.store, partnerIdReservation, partnerIdStream(partnerId));
    if (state.ownerId === null) return null;
    const partner = await this.get(state.ownerId);
    return partner.exists ? partner : null;
  }
}
