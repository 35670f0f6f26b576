import { reservationDecider } from '../../../partners/src/domain/reservation.decider';

/** Partner Center refuses a domain that another tenant already uses. */
export const CUSTOMER_DOMAIN_RESERVATION = 'customer_domain';
export const customerDomainReservation = reservationDecider('CustomerDomainReserved', 'domain-taken', 'domain');
