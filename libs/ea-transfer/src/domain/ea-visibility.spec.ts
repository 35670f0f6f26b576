import type { Product } from '../../../catalog/src/domain/catalog.types';
import { agreementEligibility, agreementStatusAt, chooseCspSku, cspAvailability, isAgreementVisible, type CspMatch } from './ea-visibility';

const sku = (id: string, provisioningId: string, overrides: Partial<Product['skus'][number]> = {}): Product['skus'][number] => ({
  id,
  title: `SKU ${id}`,
  provisioningId,
  segment: 'commercial',
  saleStatus: 'available',
  prerequisiteSkuIds: [],
  upgradeTargetSkuIds: [],
  cancellable: true,
  exchangeable: true,
  excludedMarkets: [],
  availabilities: [
    { id: 'AVAILP1M0001', termDuration: 'P1M', billingCycles: ['monthly'] },
    { id: 'AVAILP1Y0001', termDuration: 'P1Y', billingCycles: ['monthly', 'annual'] },
  ],
  ...overrides,
});

const product = (id: string, skus: Product['skus'], overrides: Partial<Product> = {}): Product => ({ id, title: `Product ${id}`, productType: 'license', segment: 'commercial', skus, ...overrides });

describe('R-EA-2: which agreements a partner sees', () => {
  const END = '2025-03-31';

  it('R-EA-2: an expired agreement is shown until day 90 after its end date (23:59:59) and hidden on day 91 (00:00:00)', () => {
    // 2025-03-31 + 90 days = 2025-06-29.
    expect(isAgreementVisible(END, '2025-06-29T23:59:59.000Z')).toBe(true);
    expect(isAgreementVisible(END, '2025-06-30T00:00:00.000Z')).toBe(false);
    expect(isAgreementVisible(END, '2025-04-01T00:00:00.000Z')).toBe(true);
  });

  it('R-EA-2: an agreement is shown from 6 months before it ends, not a second earlier', () => {
    // Ends 2025-03-31: on 2024-09-30 it ends in 6 months and a day (2024-09-30 + 6 months = 2025-03-30).
    expect(isAgreementVisible(END, '2024-09-30T23:59:59.000Z')).toBe(false);
    expect(isAgreementVisible(END, '2024-10-01T00:00:00.000Z')).toBe(true);
    // ... and a month-end clamp: 2024-08-31 + 6 months is 2025-02-28.
    expect(isAgreementVisible('2025-02-28', '2024-08-31T12:00:00.000Z')).toBe(true);
    expect(isAgreementVisible('2025-03-01', '2024-08-31T12:00:00.000Z')).toBe(false);
  });

  it('R-EA-2: an agreement that does not expire soon is hidden (not eligible to move yet)', () => {
    expect(isAgreementVisible('2027-12-31', '2025-02-10T00:00:00.000Z')).toBe(false);
  });

  it('tells whether the agreement still runs (its end date is included whole)', () => {
    expect(agreementStatusAt(END, '2025-03-31T23:59:59.000Z')).toBe('active');
    expect(agreementStatusAt(END, '2025-04-01T00:00:00.000Z')).toBe('expired');
  });
});

describe('CSP availability of EA subscriptions', () => {
  const e3 = product('CFQ7TTC0LFLZ', [
    sku('0001', 'Microsoft_365_E3', { saleStatus: 'end-of-sale' }),
    sku('0002', 'Microsoft_365_E3_(no_Teams)'),
  ]);
  const match: CspMatch = chooseCspSku([{ product: e3, sku: e3.skus[0] }])!;
  const base = { subscription: { segment: 'commercial' as const }, agreement: { extendedTerm: false }, match, holder: null, partnerTenantId: 'partner-a' };

  it('R-EA-3: an agreement in its extended term (EPT) is flagged ineligible and its subscriptions are not available', () => {
    expect(agreementEligibility({ extendedTerm: true })).toEqual({ eligible: false, ineligibleReason: 'extended-term' });
    expect(agreementEligibility({ extendedTerm: false })).toEqual({ eligible: true });
    expect(cspAvailability({ ...base, agreement: { extendedTerm: true } })).toEqual({ available: false, reason: 'extended-term' });
  });

  it('R-EA-4: only commercial EA subscriptions can be transferred', () => {
    expect(cspAvailability({ ...base, subscription: { segment: 'government' } })).toEqual({ available: false, reason: 'not-commercial' });
    expect(cspAvailability({ ...base, subscription: { segment: 'education' } })).toEqual({ available: false, reason: 'not-commercial' });
  });

  it('R-EA-5: the CSP SKU with the same provisioning id; without one, not available', () => {
    expect(cspAvailability({ ...base, match: null })).toEqual({ available: false, reason: 'no-equivalent-sku' });
    expect(chooseCspSku([])).toBeNull();
    // A government SKU or software with the id is not an equivalent license SKU.
    const gov = product('CFQ7TTC0LGZQ', [sku('0001', 'X', { segment: 'government' })], { segment: 'government' });
    const software = product('DG7GMGF0D5RK', [sku('0001', 'X')], { productType: 'software-subscription' });
    expect(chooseCspSku([{ product: gov, sku: gov.skus[0] }, { product: software, sku: software.skus[0] }])).toBeNull();
  });

  it('R-EA-6: an end-of-sale SKU is available through this path, a SKU still sold preferred', () => {
    expect(match).toMatchObject({ productId: 'CFQ7TTC0LFLZ', skuId: '0001', saleStatus: 'end-of-sale', catalogItemId: 'CFQ7TTC0LFLZ:0001:AVAILP1Y0001' });
    expect(match.offers).toEqual([
      { catalogItemId: 'CFQ7TTC0LFLZ:0001:AVAILP1M0001', termDuration: 'P1M', billingCycles: ['monthly'] },
      { catalogItemId: 'CFQ7TTC0LFLZ:0001:AVAILP1Y0001', termDuration: 'P1Y', billingCycles: ['monthly', 'annual'] },
    ]);
    expect(cspAvailability(base)).toEqual({ available: true, catalogItemId: 'CFQ7TTC0LFLZ:0001:AVAILP1Y0001' });
    const twin = product('CFQ7TTC0ZZZZ', [sku('0001', 'Microsoft_365_E3')]);
    expect(chooseCspSku([{ product: e3, sku: e3.skus[0] }, { product: twin, sku: twin.skus[0] }])).toMatchObject({ productId: 'CFQ7TTC0ZZZZ', saleStatus: 'available' });
  });

  it('R-EA-8: while another partner holds the schedule the subscription is not available to others; its holder still sees it available', () => {
    for (const status of ['scheduled', 'processing', 'completed', 'failed'] as const) {
      expect(cspAvailability({ ...base, holder: { partnerTenantId: 'partner-b', status } })).toMatchObject({ available: false, reason: 'scheduled-by-another-partner' });
    }
    expect(cspAvailability({ ...base, holder: { partnerTenantId: 'partner-a', status: 'scheduled' } })).toMatchObject({ available: true });
    expect(cspAvailability({ ...base, holder: { partnerTenantId: 'partner-a', status: 'completed' } })).toMatchObject({ available: false, reason: 'already-renewed' });
  });
});
