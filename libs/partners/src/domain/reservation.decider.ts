import { conflict, type Decider, type DomainEvent } from '../../../core/src';

/**
 * A uniqueness reservation: one stream per unique value (an MPN id, a domain), whose single event
 * names its owner. Appending the first event with expected version -1 is atomic in every store, so
 * two concurrent claims cannot both win.
 */
export interface ClaimValue {
  type: 'ClaimValue';
  value: string;
  ownerId: string;
  now: string;
}

export interface ReservationState {
  ownerId: string | null;
  reservedAt: string | null;
}

export type ValueReserved<TType extends string> = DomainEvent<TType, { value: string; ownerId: string; reservedAt: string }>;

export function reservationDecider<TType extends string>(
  eventType: TType,
  takenCode: string,
  what: string,
): Decider<ClaimValue, ReservationState, ValueReserved<TType>> {
  return {
    initialState: { ownerId: null, reservedAt: null },
    decide(command, state) {
      if (state.ownerId === command.ownerId) return [];
      if (state.ownerId !== null) {
        throw conflict(takenCode, `${what} ${command.value} is already taken`, { [camel(what)]: command.value });
      }
      return [{ type: eventType, data: { value: command.value, ownerId: command.ownerId, reservedAt: command.now } }];
    },
    evolve(state, event) {
      return event.type === eventType ? { ownerId: event.data.ownerId, reservedAt: event.data.reservedAt } : state;
    },
  };
}

function camel(words: string): string {
  return words.replace(/ (\w)/g, (_, c: string) => c.toUpperCase());
}

export const PARTNER_ID_RESERVATION = 'partner_mpn';
export const partnerIdReservation = reservationDecider('PartnerIdReserved', 'partner-id-taken', 'partner id');
