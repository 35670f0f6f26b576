import type { Decider } from '../../../core/src';
import type { EaAccessEvent, EaImportRequest } from './ea-transfer.events';

/** R-EA-15: import the customer's EA data for these related partners (those not asked for yet). */
export interface RequestEaImports {
  type: 'RequestEaImports';
  customerId: string;
  partners: EaImportRequest[];
  now: string;
}

/** The import job for one partner ran. */
export interface GrantEaAccess {
  type: 'GrantEaAccess';
  customerId: string;
  partnerTenantId: string;
  relationshipEstablishedAt: string;
  now: string;
}

export type EaAccessCommand = RequestEaImports | GrantEaAccess;

/** Per customer: the partners whose EA import was asked for, and those whose import ran (R-EA-15). */
export interface EaAccessState {
  requestedAt: Record<string, string>;
  grantedAt: Record<string, string>;
}

/**
 * R-EA-15: a related partner sees the customer's EA data once the import for its relationship ran.
 * Each partner's import is asked for once and granted once; repeats change nothing.
 */
export const eaAccessDecider: Decider<EaAccessCommand, EaAccessState, EaAccessEvent> = {
  initialState: { requestedAt: {}, grantedAt: {} },

  decide(command, state) {
    switch (command.type) {
      case 'RequestEaImports': {
        const seen = new Set<string>();
        const partners = command.partners.filter((p) => {
          const fresh = state.requestedAt[p.partnerTenantId] === undefined && state.grantedAt[p.partnerTenantId] === undefined && !seen.has(p.partnerTenantId);
          seen.add(p.partnerTenantId);
          return fresh;
        });
        if (partners.length === 0) return [];
        return [{ type: 'EaPartnerImportsRequested', data: { customerId: command.customerId, partners, requestedAt: command.now } }];
      }
      case 'GrantEaAccess':
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
    }
  },

  evolve(state, event) {
    switch (event.type) {
      case 'EaPartnerImportsRequested': {
        const requestedAt = { ...state.requestedAt };
        for (const partner of event.data.partners) requestedAt[partner.partnerTenantId] = event.data.requestedAt;
        return { ...state, requestedAt };
      }
      case 'EaPartnerAccessGranted':
        return { ...state, grantedAt: { ...state.grantedAt, [event.data.partnerTenantId]: event.data.grantedAt } };
      default:
        return state;
    }
  },
};

export const hasEaAccess = (state: EaAccessState, partnerTenantId: string): boolean => state.grantedAt[partnerTenantId] !== undefined;
