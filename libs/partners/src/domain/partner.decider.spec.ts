import { DomainError, fold } from '../../../core/src';
import { given } from '../../../event-store/src/testing/given-when-then';
import type { OnboardPartner } from './partner.commands';
import { partnerDecider } from './partner.decider';
import { partnerIdReservation } from './reservation.decider';

const NOW = '2026-03-01T10:00:00.000Z';

function onboard(overrides: Partial<OnboardPartner> = {}): OnboardPartner {
  return {
    type: 'OnboardPartner',
    partnerTenantId: '7f7c2a52-94a4-4a6b-9d41-0f4c1b1f0a11',
    name: 'Contoso Cloud GmbH',
    kind: 'direct',
    partnerId: '1234567',
    country: 'DE',
    currency: 'EUR',
    email: 'ops@contoso.example',
    now: NOW,
    ...overrides,
  };
}

function refusal(run: () => unknown): DomainError {
  try {
    run();
  } catch (error) {
    if (error instanceof DomainError) return error;
    throw error;
  }
  throw new Error('expected a refusal');
}

describe('partner decider', () => {
  it('onboards a partner with the CSP region derived from its country', () => {
    const events = given(partnerDecider, []).when(onboard()).then([
      {
        type: 'PartnerOnboarded',
        data: {
          partnerTenantId: '7f7c2a52-94a4-4a6b-9d41-0f4c1b1f0a11',
          name: 'Contoso Cloud GmbH',
          kind: 'direct',
          partnerId: '1234567',
          country: 'DE',
          region: 'europe',
          currency: 'EUR',
          email: 'ops@contoso.example',
          onboardedAt: NOW,
        },
      },
    ]);
    expect(fold(partnerDecider, events)).toMatchObject({ exists: true, region: 'europe', kind: 'direct' });
  });

  it('refuses a second onboarding of the same tenant', () => {
    const first = partnerDecider.decide(onboard(), partnerDecider.initialState);
    expect(given(partnerDecider, first).when(onboard()).thenThrows('partner-already-exists').kind).toBe('conflict');
  });

  it('refuses a country that is not a CSP market', () => {
    expect(given(partnerDecider, []).when(onboard({ country: 'KP' })).thenThrows('country-not-supported').kind).toBe('rule');
  });

  it('refuses a currency that is not a billing currency', () => {
    expect(given(partnerDecider, []).when(onboard({ currency: 'XAU' })).thenThrows('currency-not-supported').kind).toBe('rule');
  });
});

describe('partner id reservation', () => {
  const claim = (ownerId: string) => ({ type: 'ClaimValue' as const, value: '1234567', ownerId, now: NOW });

  it('reserves a free partner id for its owner', () => {
    expect(partnerIdReservation.decide(claim('a'), partnerIdReservation.initialState)).toEqual([
      { type: 'PartnerIdReserved', data: { value: '1234567', ownerId: 'a', reservedAt: NOW } },
    ]);
  });

  it('is a no-op when the owner claims again', () => {
    const state = fold(partnerIdReservation, partnerIdReservation.decide(claim('a'), partnerIdReservation.initialState));
    expect(partnerIdReservation.decide(claim('a'), state)).toEqual([]);
  });

  it('refuses a partner id that another partner holds', () => {
    const state = fold(partnerIdReservation, partnerIdReservation.decide(claim('a'), partnerIdReservation.initialState));
    expect(refusal(() => partnerIdReservation.decide(claim('b'), state))).toMatchObject({
      kind: 'conflict',
      code: 'partner-id-taken',
      details: { partnerId: '1234567' },
    });
  });
});
