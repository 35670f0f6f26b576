import type { Decider } from '../../../core/src';
import type { EaAccessEvent } from './ea-transfer.events';

export interface GrantEaAccess {
  type: 'GrantEaAccess';
  customerId: string;
  partnerTenantId: string;
  relationshipEstablishedAt: string;
  now: string;
}

/** Per customer: the partners whose relationship import ran, and since when (R-EA-15). */
export interface EaAccessState {
  grantedAt: Record<string, string>;
}

/** R-EA-15: a partner with a new relationship sees the customer's EA data once its import ran; once is enough. */
export const eaAccessDecider: Decider<GrantEaAccess, EaAccessState, EaAccessEvent> = {
  initialState: { grantedAt: {} },

  decide(command, state) {
    if (state.grantedAt[command.partnerTenantId] !== undefined) return [];
    return [
      {
        type: 'EaPartnerAccessGranted',
        data: {
          customerId: command.customerId,
          partnerTenantId: command.partnerTenantId,
          relationshipEstablishedAt: command.relationshipEstablishedAt,
          grantedAt: command.now,
        },
      },
    ];
  },

  evolve(state, event) {
    switch (event.type) {
      case 'EaPartnerAccessGranted':
        return { grantedAt: { ...state.grantedAt, [event.data.partnerTenantId]: event.data.grantedAt } };
      default:
        return state;
    }
  },
};

export const hasEaAccess = (state: EaAccessState, partnerTenantId: string): boolean => state.grantedAt[partnerTenantId] !== undefined;
