import { DomainError, fold } from '../../../core/src';
import { eaAgreementDecider, type EaAgreementInput, type EaAgreementState } from './ea-agreement';
import type { EaAgreementEvent } from './ea-transfer.events';

const AGREEMENT_ID = 'a0a0a0a0-0000-4000-8000-000000000001';
const NOW = '2025-02-10T08:00:00.000Z';

const input = (overrides: Partial<EaAgreementInput> = {}): EaAgreementInput => ({
  agreementNumber: '87654321',
  customerId: 'customer-1',
  startDate: '2022-04-01',
  endDate: '2025-03-31',
  extendedTerm: false,
  subscriptions: [
    { id: 'ea-sub-1', productName: 'Microsoft 365 E3', provisioningId: 'Microsoft_365_E3', segment: 'commercial', quantity: 25, endDate: '2025-03-31' },
    { id: 'ea-sub-2', productName: 'Microsoft 365 G3 GCC', provisioningId: 'Microsoft_365_G3_GCC_(no_Teams)', segment: 'government', quantity: 5, endDate: '2025-03-31' },
  ],
  ...overrides,
});

const run = (history: EaAgreementEvent[], agreement: EaAgreementInput, now = NOW): EaAgreementEvent[] =>
  eaAgreementDecider.decide({ type: 'ImportEaAgreement', agreementId: AGREEMENT_ID, agreement, now }, fold(eaAgreementDecider, history));

function refusal(fn: () => unknown): DomainError {
  try {
    fn();
  } catch (error) {
    if (error instanceof DomainError) return error;
    throw error;
  }
  throw new Error('expected a refusal');
}

describe('EA agreement import', () => {
  const first = run([], input());

  it('R-EA-1: the first import records the agreement with its subscriptions', () => {
    expect(first).toEqual([
      { type: 'EaAgreementImported', data: { agreementId: AGREEMENT_ID, ...input(), importedAt: NOW } },
    ]);
    const state = fold(eaAgreementDecider, first) as Extract<EaAgreementState, { exists: true }>;
    expect(state.subscriptions.map((s) => s.id)).toEqual(['ea-sub-1', 'ea-sub-2']);
  });

  it('R-EA-1 R-EA-14: the same import again writes nothing, also with the subscriptions in another order or fewer of them', () => {
    expect(run(first, input(), '2025-02-11T00:00:00.000Z')).toEqual([]);
    expect(run(first, input({ subscriptions: [...input().subscriptions].reverse() }))).toEqual([]);
    expect(run(first, input({ subscriptions: input().subscriptions.slice(0, 1) }))).toEqual([]);
  });

  it('R-EA-14: a later import adds subscriptions the agreement did not have, and changes none of the others', () => {
    const extra = { id: 'ea-sub-3', productName: 'Project Plan 3', provisioningId: 'Project_Plan_3', segment: 'commercial' as const, quantity: 3, endDate: '2025-03-31' };
    const added = run(first, input({ subscriptions: [...input().subscriptions, extra] }));
    expect(added).toEqual([{ type: 'EaAgreementSubscriptionsAdded', data: { agreementId: AGREEMENT_ID, customerId: 'customer-1', subscriptions: [extra], importedAt: NOW } }]);
    const state = fold(eaAgreementDecider, [...first, ...added]) as Extract<EaAgreementState, { exists: true }>;
    expect(state.subscriptions).toEqual([...input().subscriptions, extra]);
  });

  it('R-EA-14: other values for the agreement or a known subscription are refused (409), never applied', () => {
    expect(refusal(() => run(first, input({ endDate: '2026-03-31' })))).toMatchObject({ kind: 'conflict', code: 'ea-data-immutable', details: { fields: ['endDate'] } });
    expect(refusal(() => run(first, input({ extendedTerm: true })))).toMatchObject({ code: 'ea-data-immutable', details: { fields: ['extendedTerm'] } });
    const changed = input().subscriptions.map((s) => (s.id === 'ea-sub-1' ? { ...s, quantity: 30 } : s));
    expect(refusal(() => run(first, input({ subscriptions: changed })))).toMatchObject({ code: 'ea-data-immutable', details: { subscriptionIds: ['ea-sub-1'] } });
    expect(refusal(() => run(first, input({ customerId: 'customer-2' })))).toMatchObject({ kind: 'conflict', code: 'ea-agreement-conflict' });
  });

  it('refuses malformed EA data (400) before writing anything', () => {
    expect(refusal(() => run([], input({ endDate: '2021-01-01' })))).toMatchObject({ kind: 'invalid', code: 'invalid-ea-agreement', details: { field: 'endDate' } });
    const twice = [input().subscriptions[0], input().subscriptions[0]];
    expect(refusal(() => run([], input({ subscriptions: twice })))).toMatchObject({ code: 'invalid-ea-agreement', details: { field: 'subscriptions[1].id' } });
    const zero = [{ ...input().subscriptions[0], quantity: 0 }];
    expect(refusal(() => run([], input({ subscriptions: zero })))).toMatchObject({ code: 'invalid-ea-agreement', details: { field: 'subscriptions[0].quantity' } });
    expect(refusal(() => run([], input({ startDate: '2025-02-30' })))).toMatchObject({ code: 'invalid-ea-agreement' });
  });
});
