import { conflict, invalid, type Decider } from '../../../core/src';
import { isIsoDate } from '../../../catalog/src/domain/dates';
import type { EaAgreementEvent, EaAgreementImportedData, EaSubscriptionRecord } from './ea-transfer.events';

/** What the operator import delivers (R-EA-1). */
export interface EaAgreementInput {
  agreementNumber: string;
  customerId: string;
  startDate: string;
  endDate: string;
  extendedTerm: boolean;
  subscriptions: EaSubscriptionRecord[];
}

export interface ImportEaAgreement {
  type: 'ImportEaAgreement';
  agreementId: string;
  agreement: EaAgreementInput;
  now: string;
}

export type ExistingEaAgreement = Omit<EaAgreementImportedData, 'importedAt'> & { exists: true; importedAt: string };
export type EaAgreementState = { exists: false } | ExistingEaAgreement;

const AGREEMENT_FIELDS = ['agreementNumber', 'customerId', 'startDate', 'endDate', 'extendedTerm'] as const;
const SUBSCRIPTION_FIELDS = ['productName', 'provisioningId', 'segment', 'quantity', 'endDate'] as const;

function validate(input: EaAgreementInput): void {
  const bad = (field: string, message: string) => invalid('invalid-ea-agreement', message, { field });
  if (!isIsoDate(input.startDate) || !isIsoDate(input.endDate)) throw bad('startDate', 'startDate and endDate must be dates YYYY-MM-DD');
  if (input.endDate < input.startDate) throw bad('endDate', `endDate ${input.endDate} is before startDate ${input.startDate}`);
  const ids = new Set<string>();
  input.subscriptions.forEach((subscription, index) => {
    if (ids.has(subscription.id)) throw bad(`subscriptions[${index}].id`, `subscription ${subscription.id} is listed twice`);
    ids.add(subscription.id);
    if (!isIsoDate(subscription.endDate)) throw bad(`subscriptions[${index}].endDate`, 'endDate must be a date YYYY-MM-DD');
    if (!Number.isSafeInteger(subscription.quantity) || subscription.quantity < 1) {
      throw bad(`subscriptions[${index}].quantity`, 'quantity must be a positive integer');
    }
  });
}

function sameSubscription(a: EaSubscriptionRecord, b: EaSubscriptionRecord): boolean {
  return SUBSCRIPTION_FIELDS.every((field) => a[field] === b[field]);
}

/**
 * R-EA-1, R-EA-14: EA data only ever comes in. The first import records the agreement; the same
 * import again changes nothing; a later import may add subscriptions the agreement did not list
 * yet; any other difference (the agreement's fields, a known subscription's fields, another
 * customer) is refused (409) and writes nothing: this system never alters EA data.
 */
export const eaAgreementDecider: Decider<ImportEaAgreement, EaAgreementState, EaAgreementEvent> = {
  initialState: { exists: false },

  decide(command, state) {
    const { agreement, agreementId, now } = command;
    validate(agreement);
    if (!state.exists) {
      return [{ type: 'EaAgreementImported', data: { agreementId, ...agreement, subscriptions: agreement.subscriptions.map((s) => ({ ...s })), importedAt: now } }];
    }
    if (state.customerId !== agreement.customerId) {
      throw conflict('ea-agreement-conflict', `EA agreement ${agreement.agreementNumber} belongs to another customer`, { agreementId });
    }
    const changed = AGREEMENT_FIELDS.filter((field) => state[field] !== agreement[field]);
    if (changed.length > 0) {
      throw conflict('ea-data-immutable', `EA agreement ${agreement.agreementNumber} was imported with other values; EA data is never changed (R-EA-14)`, {
        agreementId,
        fields: changed,
      });
    }
    const known = new Map(state.subscriptions.map((s) => [s.id, s]));
    const altered = agreement.subscriptions.filter((s) => known.has(s.id) && !sameSubscription(known.get(s.id)!, s)).map((s) => s.id);
    if (altered.length > 0) {
      throw conflict('ea-data-immutable', `EA subscriptions ${altered.join(', ')} were imported with other values; EA data is never changed (R-EA-14)`, {
        agreementId,
        subscriptionIds: altered,
      });
    }
    const added = agreement.subscriptions.filter((s) => !known.has(s.id));
    if (added.length === 0) return [];
    return [{ type: 'EaAgreementSubscriptionsAdded', data: { agreementId, customerId: state.customerId, subscriptions: added.map((s) => ({ ...s })), importedAt: now } }];
  },

  evolve(state, event) {
    switch (event.type) {
      case 'EaAgreementImported':
        return { exists: true, ...event.data };
      case 'EaAgreementSubscriptionsAdded':
        return state.exists ? { ...state, subscriptions: [...state.subscriptions, ...event.data.subscriptions] } : state;
      default:
        return state;
    }
  },
};

export function findEaSubscription(state: EaAgreementState, eaSubscriptionId: string): EaSubscriptionRecord | undefined {
  return state.exists ? state.subscriptions.find((s) => s.id === eaSubscriptionId) : undefined;
}
