import { fold } from '../../../core/src';
import { eaAccessDecider, hasEaAccess, type EaAccessCommand } from './ea-access';
import type { EaAccessEvent } from './ea-transfer.events';

const request = (partners: string[], now = '2025-02-10T09:00:00.000Z'): EaAccessCommand => ({
  type: 'RequestEaImports',
  customerId: 'customer-1',
  partners: partners.map((partnerTenantId) => ({ partnerTenantId, relationshipEstablishedAt: '2025-01-15T09:00:00.000Z' })),
  now,
});
const grant = (partnerTenantId: string, now = '2025-02-10T09:00:01.000Z'): EaAccessCommand => ({
  type: 'GrantEaAccess',
  customerId: 'customer-1',
  partnerTenantId,
  relationshipEstablishedAt: '2025-01-15T09:00:00.000Z',
  now,
});
const run = (history: EaAccessEvent[], command: EaAccessCommand) => eaAccessDecider.decide(command, fold(eaAccessDecider, history));

describe('EA imports per related partner', () => {
  it('R-EA-15: each partner\'s import is asked for once; the partner sees the EA data only once it ran', () => {
    const requested = run([], request(['partner-a', 'partner-b', 'partner-a']));
    expect(requested).toEqual([
      {
        type: 'EaPartnerImportsRequested',
        data: {
          customerId: 'customer-1',
          partners: [
            { partnerTenantId: 'partner-a', relationshipEstablishedAt: '2025-01-15T09:00:00.000Z' },
            { partnerTenantId: 'partner-b', relationshipEstablishedAt: '2025-01-15T09:00:00.000Z' },
          ],
          requestedAt: '2025-02-10T09:00:00.000Z',
        },
      },
    ]);
    expect(hasEaAccess(fold(eaAccessDecider, requested), 'partner-a')).toBe(false);
    // Asking again, or for a partner already asked for, changes nothing; a new partner is asked for.
    expect(run(requested, request(['partner-b', 'partner-a']))).toEqual([]);
    expect(run(requested, request(['partner-a', 'partner-c']))[0].data).toMatchObject({ partners: [{ partnerTenantId: 'partner-c' }] });

    const granted = run(requested, grant('partner-a'));
    expect(granted).toEqual([{ type: 'EaPartnerAccessGranted', data: expect.objectContaining({ partnerTenantId: 'partner-a', grantedAt: '2025-02-10T09:00:01.000Z' }) }]);
    const state = fold(eaAccessDecider, [...requested, ...granted]);
    expect(hasEaAccess(state, 'partner-a')).toBe(true);
    expect(hasEaAccess(state, 'partner-b')).toBe(false);
    // The job delivered twice grants once.
    expect(run([...requested, ...granted], grant('partner-a', '2025-02-11T00:00:00.000Z'))).toEqual([]);
  });
});
