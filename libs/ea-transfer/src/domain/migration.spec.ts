import { fold } from '../../../core/src';
import { subscriptionViewAt } from '../../../subscriptions/src/application/views';
import { subscriptionDecider, type ExistingSubscription } from '../../../subscriptions/src/domain/subscription.decider';
import type { SubscriptionEvent } from '../../../subscriptions/src/domain/subscription.events';
import { offer, quoted } from '../../../subscriptions/src/testing/fixtures';
import { eaRenewalDecider, type ExistingEaRenewal } from './ea-renewal';
import { decideMigration, migratedFromEaOf, type MigrationInput } from './migration';

const EA_END = '2025-03-31';
const PROCESSED_AT = '2025-04-01T12:00:00.000Z';

function renewal(overrides: { quantity?: number; customTermEndDate?: string; now?: string } = {}): ExistingEaRenewal {
  const now = overrides.now ?? '2025-02-10T09:00:00.000Z';
  const events = eaRenewalDecider.decide(
    {
      type: 'ScheduleEaRenewal',
      renewalId: 'renewal-1',
      agreementId: 'agreement-1',
      agreementNumber: '87654321',
      eaSubscriptionId: 'ea-sub-1',
      eaProductName: 'Microsoft 365 E3',
      customerId: 'customer-1',
      partnerTenantId: 'partner-a',
      userId: 'admin-a',
      catalogItemId: 'CFQ7TTC0LFLZ:0002:CFQ7TTC0JSWX',
      termDuration: 'P1Y',
      billingCycle: 'annual',
      quantity: overrides.quantity ?? 25,
      ...(overrides.customTermEndDate ? { customTermEndDate: overrides.customTermEndDate, termEndAlignment: 'calendarMonthAligned' as const } : {}),
      eaEndDate: EA_END,
      now,
    },
    { exists: false },
  );
  return { ...(fold(eaRenewalDecider, events) as ExistingEaRenewal), status: 'processing' };
}

const input = (overrides: Partial<MigrationInput> = {}): MigrationInput => ({
  renewal: renewal(),
  partner: { partnerTenantId: 'partner-a', kind: 'direct' },
  customer: { exists: true, relationship: true, agreementAttested: true },
  quote: quoted(offer()),
  subscriptionId: 'sub-1',
  orderId: 'order-1',
  now: PROCESSED_AT,
  ...overrides,
});

function migrated(overrides: Partial<MigrationInput> = {}) {
  const decision = decideMigration(input(overrides));
  if (!decision.ok) throw new Error(`refused: ${decision.reason.code}`);
  return decision.order;
}

describe('EA renewal processing: the new subscription and its order', () => {
  it('R-EA-10: the CSP term starts on the day after the EA end date (no gap, no overlap) and is charged from then', () => {
    const order = migrated();
    const purchase = order.purchases[0];
    expect(purchase).toMatchObject({
      subscriptionId: 'sub-1',
      orderId: 'order-1',
      transactionType: 'migration',
      purchasedAt: '2025-04-01T00:00:00.000Z',
      effectiveStartDate: '2025-04-01',
      commitmentEndDate: '2026-03-31',
      quantity: 25,
      autoRenewEnabled: true,
      charge: { type: 'purchase', amount: { minor: 25 * 43_200, currency: 'USD' }, period: { start: '2025-04-01', end: '2026-03-31' } },
    });
  });

  it('R-EA-10 R-CANCEL-1: a new-commerce subscription like any other: the 7-day window runs from its creation', () => {
    const purchase = migrated().purchases[0];
    expect(purchase).toMatchObject({
      fullRefundUntil: '2025-04-02T12:00:00.000Z',
      cancellationAllowedUntil: '2025-04-08T12:00:00.000Z',
      seatBatch: { batchId: '1', quantity: 25, refundableUntil: '2025-04-08T12:00:00.000Z' },
    });
    // Scheduled after the EA expired, processed weeks later: the term still starts the day after the EA end date.
    const late = migrated({ renewal: renewal({ now: '2025-05-20T09:00:00.000Z' }), now: '2025-05-21T12:00:00.000Z' }).purchases[0];
    expect(late).toMatchObject({ effectiveStartDate: '2025-04-01', commitmentEndDate: '2026-03-31', cancellationAllowedUntil: '2025-05-28T12:00:00.000Z' });
  });

  it('R-EA-11: the order (in the order history) has one line of transaction type migration', () => {
    const order = migrated();
    expect(order).toMatchObject({ orderId: 'order-1', cartId: 'renewal-1', customerId: 'customer-1', partnerTenantId: 'partner-a', placedAt: PROCESSED_AT, status: 'completed', orderErrors: [] });
    expect(order.lineItems).toEqual([
      {
        lineItemNumber: 0,
        catalogItemId: 'CFQ7TTC0LFLZ:0002:CFQ7TTC0JSWX',
        quantity: 25,
        termDuration: 'P1Y',
        billingCycle: 'annual',
        subscriptionId: 'sub-1',
        transactionType: 'migration',
        friendlyName: 'Microsoft 365 E3 (no Teams)',
        unitPrice: { minor: 43_200, currency: 'USD' },
        discountPercent: 0,
      },
    ]);
  });

  it('R-EA-12: an available promotion applies to the new subscription', () => {
    const order = migrated({ quote: quoted(offer({ promotionId: 'PROMO-10', discountPercent: 10 })) });
    expect(order.purchases[0].pricing).toMatchObject({ promotionId: 'PROMO-10', discountPercent: 10, discountedUnitPrice: { minor: 38_880 } });
    expect(order.lineItems[0]).toMatchObject({ promotionId: 'PROMO-10', discountPercent: 10 });
  });

  it('R-SUB-3: an aligned end date shortens the first term, prorated', () => {
    const order = migrated({ renewal: renewal({ customTermEndDate: '2026-02-28' }) });
    expect(order.purchases[0]).toMatchObject({ commitmentEndDate: '2026-02-28', termEndAlignment: 'calendarMonthAligned' });
    expect(order.lineItems[0].customTermEndDate).toBe('2026-02-28');
    expect(order.purchases[0].charge.proration).toEqual({ days: 334, ofDays: 365 });
  });

  it('fails with the reason when the partner could not buy it now', () => {
    const reasons = [
      decideMigration(input({ quote: { ok: false, refusal: { code: 'no-price', message: 'no DE/EUR price list', details: {} } } })),
      decideMigration(input({ customer: { exists: true, relationship: false, agreementAttested: true } })),
      decideMigration(input({ customer: { exists: true, relationship: true, agreementAttested: false } })),
      decideMigration(input({ partner: null })),
      decideMigration(input({ renewal: renewal({ quantity: 20_000 }) })),
      decideMigration(input({ renewal: renewal({ customTermEndDate: '2026-04-30' }) })),
    ].map((decision) => (decision.ok ? 'ok' : decision.reason.code));
    expect(reasons).toEqual(['no-price', 'relationship-missing', 'customer-agreement-missing', 'partner-not-onboarded', 'quantity-above-maximum', 'custom-term-end-date-not-allowed']);
  });
});

describe('the migrated subscription', () => {
  const history = (kind: 'direct' | 'indirect-provider'): SubscriptionEvent[] => {
    const order = migrated();
    return [
      { type: 'SubscriptionPurchased', data: order.purchases[0] },
      { type: 'SubscriptionMigratedFromEA', data: migratedFromEaOf(renewal(), order, kind) },
    ];
  };

  it('R-EA-11: SubscriptionMigratedFromEA names the agreement and EA subscription, shown as migratedFrom on the read', () => {
    const events = history('direct');
    expect(events[1].data).toMatchObject({
      subscriptionId: 'sub-1',
      agreementId: 'agreement-1',
      agreementNumber: '87654321',
      eaSubscriptionId: 'ea-sub-1',
      eaEndDate: EA_END,
      orderId: 'order-1',
      migratedAt: PROCESSED_AT,
      scheduledByUserId: 'admin-a',
      partnerOfRecordRequired: false,
    });
    const state = fold(subscriptionDecider, events) as ExistingSubscription;
    const view = subscriptionViewAt(state, 1, PROCESSED_AT);
    expect(view).toMatchObject({
      migratedFrom: { agreementId: 'agreement-1', agreementNumber: '87654321', eaSubscriptionId: 'ea-sub-1' },
      partnerOfRecordMissing: false,
      refundOptions: [
        { type: 'Full', expiresAt: '2025-04-02T12:00:00.000Z' },
        { type: 'Partial', expiresAt: '2025-04-08T12:00:00.000Z' },
      ],
    });
  });

  it('R-IND-6: an indirect provider\'s renewal is flagged until the partner of record (reseller) is set', () => {
    const events = history('indirect-provider');
    const flagged = subscriptionViewAt(fold(subscriptionDecider, events) as ExistingSubscription, 1, PROCESSED_AT);
    expect(flagged.partnerOfRecordMissing).toBe(true);
    const withReseller: SubscriptionEvent = {
      type: 'SubscriptionResellerChanged',
      data: { subscriptionId: 'sub-1', customerId: 'customer-1', partnerTenantId: 'partner-a', reseller: { partnerId: '7654321', tenantId: 'reseller-1' } },
    };
    const set = subscriptionViewAt(fold(subscriptionDecider, [...events, withReseller]) as ExistingSubscription, 2, PROCESSED_AT);
    expect(set).toMatchObject({ partnerOfRecordMissing: false, partnerId: '7654321' });
  });
});
