import { conflict, ruleViolation, type Decider } from '../../../core/src';
import { isBillingCurrency, regionOf } from '../../../regions/src';
import type { PartnerCommand } from './partner.commands';
import type { PartnerEvent, PartnerOnboardedData } from './partner.events';

export type PartnerState = { exists: false } | ({ exists: true } & PartnerOnboardedData);

export const partnerDecider: Decider<PartnerCommand, PartnerState, PartnerEvent> = {
  initialState: { exists: false },

  decide(command, state) {
    switch (command.type) {
      case 'OnboardPartner': {
        if (state.exists) {
          throw conflict('partner-already-exists', `partner ${command.partnerTenantId} already exists`);
        }
        const region = regionOf(command.country);
        if (region === null) {
          throw ruleViolation('country-not-supported', `${command.country} is not a CSP market`, { country: command.country });
        }
        if (!isBillingCurrency(command.currency)) {
          throw ruleViolation('currency-not-supported', `${command.currency} is not a billing currency`, {
            currency: command.currency,
          });
        }
        return [
          {
            type: 'PartnerOnboarded',
            data: {
              partnerTenantId: command.partnerTenantId,
              name: command.name,
              kind: command.kind,
              partnerId: command.partnerId,
              country: command.country,
              region,
              currency: command.currency,
              email: command.email,
              onboardedAt: command.now,
            },
          },
        ];
      }
    }
  },

  evolve(state, event) {
    switch (event.type) {
      case 'PartnerOnboarded':
        return { exists: true, ...event.data };
      default:
        return state;
    }
  },
};
