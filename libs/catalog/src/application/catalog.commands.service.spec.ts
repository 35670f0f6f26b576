import { DomainError } from '../../../core/src';
import type { CommandContext } from '../../../event-store/src/handle-command';
import { InMemoryEventStore } from '../../../event-store/src/in-memory/in-memory-event-store';
import { E3, E3_NO_TEAMS_P1Y, RESERVATION, RESERVATION_P1Y, TEAMS, promotion } from '../testing/catalog-fixtures';
import { CatalogCommands } from './catalog.commands.service';
import { CatalogService } from './catalog.service';

const context: CommandContext = {
  actor: { userId: 'op-1', tenantId: 'operator', roles: ['operator'] },
  correlationId: 'c-1',
  causationId: 'r-1',
  now: new Date('2026-11-21T08:00:00.000Z'),
};

async function refusal(promise: Promise<unknown>): Promise<DomainError> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof DomainError) return error;
    throw error;
  }
  throw new Error('expected a refusal');
}

describe('catalog commands', () => {
  let store: InMemoryEventStore;
  let commands: CatalogCommands;

  beforeEach(async () => {
    store = new InMemoryEventStore();
    commands = new CatalogCommands(store, new CatalogService(store));
  });

  it('R-CAT-8: upgrade targets must name SKUs of the catalog; a refused product writes nothing', async () => {
    const error = await refusal(commands.publishProduct(E3, context));
    expect(error).toMatchObject({ kind: 'rule', code: 'unknown-sku-reference', details: { skuId: 'CFQ7TTC0TST5:0002' } });
    expect(await store.headPosition()).toBeNull();
    const e3 = await commands.publishProduct({ ...E3, skus: E3.skus.map(({ upgradeTargetSkuIds: _t, ...sku }) => sku) }, context);
    expect(e3.changed).toBe(true);
    expect((await commands.publishProduct({ ...E3, skus: E3.skus.map(({ upgradeTargetSkuIds: _t, ...sku }) => sku) }, context)).changed).toBe(false);
  });

  it('R-CAT-7: an add-on can be published once its prerequisite SKUs exist', async () => {
    expect((await refusal(commands.publishProduct(TEAMS, context))).code).toBe('unknown-sku-reference');
    await commands.publishProduct({ ...E3, skus: E3.skus.map(({ upgradeTargetSkuIds: _t, ...sku }) => sku) }, context);
    const teams = await commands.publishProduct(TEAMS, context);
    expect(teams.value.skus[0].prerequisiteSkuIds).toEqual(['CFQ7TTC0TST3:0002']);
    expect((await refusal(commands.updateSku(TEAMS.id, '0001', { prerequisiteSkuIds: ['CFQ7TTC0TST3:0009'] }, context))).code).toBe(
      'unknown-sku-reference',
    );
  });

  describe('with products', () => {
    beforeEach(async () => {
      await commands.publishProduct({ ...E3, skus: E3.skus.map(({ upgradeTargetSkuIds: _t, ...sku }) => sku) }, context);
      await commands.publishProduct(RESERVATION, context);
    });

    it('R-PRICE-1: a price list is published from decimal amounts in its currency', async () => {
      const outcome = await commands.publishPriceList(
        { market: 'JP', currency: 'JPY', effectiveFrom: '2026-12-01', items: [{ catalogItemId: E3_NO_TEAMS_P1Y, billingCycle: 'annual', unitPrice: '60751' }] },
        context,
      );
      expect(outcome.value).toMatchObject({ market: 'JP', currency: 'JPY', taxInclusive: false, items: [{ unitPrice: { minor: 60751, currency: 'JPY' } }] });
    });

    it('a price list naming unknown items, plans not offered or markets not sold in is refused and writes nothing', async () => {
      const head = await store.headPosition();
      const list = (catalogItemId: string, billingCycle: 'annual' | 'triennial' | 'onetime', market = 'DE') => ({
        market,
        currency: 'EUR',
        effectiveFrom: '2026-12-01',
        items: [{ catalogItemId, billingCycle, unitPrice: '10.00' }],
      });
      expect((await refusal(commands.publishPriceList(list('CFQ7TTC0TST3:0002:CFQ7TTC0ZZZZ', 'annual'), context))).code).toBe('unknown-catalog-item');
      expect((await refusal(commands.publishPriceList(list(E3_NO_TEAMS_P1Y, 'triennial'), context))).code).toBe('billing-plan-not-offered');
      expect((await refusal(commands.publishPriceList(list(RESERVATION_P1Y, 'onetime', 'AX'), context))).code).toBe('market-not-available');
      expect((await refusal(commands.publishPriceList({ ...list(E3_NO_TEAMS_P1Y, 'annual'), currency: 'EURO' }, context))).code).toBe('unknown-currency');
      const amount = (unitPrice: string, currency = 'EUR') => ({ ...list(E3_NO_TEAMS_P1Y, 'annual'), currency, items: [{ catalogItemId: E3_NO_TEAMS_P1Y, billingCycle: 'annual' as const, unitPrice }] });
      expect((await refusal(commands.publishPriceList(amount('12.345'), context))).code).toBe('invalid-amount');
      expect((await refusal(commands.publishPriceList(amount('12.5', 'JPY'), context))).code).toBe('invalid-amount');
      expect((await refusal(commands.publishPriceList(amount('1e3'), context))).code).toBe('invalid-amount');
      expect((await refusal(commands.publishPriceList(amount('-1.00'), context))).code).toBe('negative-price');
      expect(await store.headPosition()).toBe(head);
    });

    it('R-PRICE-3: a promotion must name catalog items that exist', async () => {
      const head = await store.headPosition();
      expect((await refusal(commands.createPromotion(promotion({ catalogItemIds: ['CFQ7TTC0TST3:0002:CFQ7TTC0ZZZZ'] }), context))).code).toBe(
        'unknown-catalog-item',
      );
      expect(await store.headPosition()).toBe(head);
      const created = await commands.createPromotion(promotion(), context);
      expect(created).toMatchObject({ changed: true, value: { id: 'PROMO-E3-15', discountPercent: 15 } });
      expect((await commands.createPromotion(promotion(), context)).changed).toBe(false);
    });
  });
});
