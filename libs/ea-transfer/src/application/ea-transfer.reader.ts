import { Inject, Injectable } from '@nestjs/common';
import { notFound, type Actor } from '../../../core/src';
import { isOperator } from '../../../auth/src/tenant';
import { CatalogService } from '../../../catalog/src/application/catalog.service';
import { findSku } from '../../../catalog/src/domain/catalog.decider';
import type { Product, Sku } from '../../../catalog/src/domain/catalog.types';
import { CatalogQueries } from '../../../catalog/src/read-models/catalog.queries';
import { CustomerAccess } from '../../../customers/src/application/customer-access';
import type { ExistingCustomer } from '../../../customers/src/domain/customer.decider';
import { loadState } from '../../../event-store/src/handle-command';
import { EVENT_STORE, type EventStore } from '../../../event-store/src/port';
import { eaAccessDecider, hasEaAccess } from '../domain/ea-access';
import { eaAgreementDecider, type ExistingEaAgreement } from '../domain/ea-agreement';
import { eaRenewalDecider, type EaRenewalState } from '../domain/ea-renewal';
import { chooseCspSku, isAgreementVisible, type CspMatch } from '../domain/ea-visibility';
import { eaAccessStream, eaAgreementStream, eaRenewalIdOf, eaRenewalStream } from './streams';

/**
 * Consistent reads of EA data for one caller, folded from the streams: who may see a customer's
 * agreements (R-TENANT-1, R-EA-15), which agreements are shown (R-EA-2), the schedules and the
 * equivalent CSP SKUs (R-EA-5).
 */
@Injectable()
export class EaTransferReader {
  constructor(
    @Inject(EVENT_STORE) private readonly store: EventStore,
    private readonly customers: CustomerAccess,
    private readonly catalog: CatalogService,
    private readonly catalogQueries: CatalogQueries,
  ) {}

  /**
   * 404 unless the caller has a relationship with the customer (the operator sees all); `granted`
   * tells whether the import for the caller's relationship ran (R-EA-15).
   */
  async partnerAccess(actor: Actor, customerId: string): Promise<{ customer: ExistingCustomer; granted: boolean }> {
    const { state: customer } = await this.customers.visibleTo(actor, customerId);
    if (isOperator(actor)) return { customer, granted: true };
    const { state } = await loadState(this.store, eaAccessDecider, eaAccessStream(customerId));
    return { customer, granted: hasEaAccess(state, actor.tenantId) };
  }

  async agreement(agreementId: string): Promise<ExistingEaAgreement | null> {
    const { state } = await loadState(this.store, eaAgreementDecider, eaAgreementStream(agreementId));
    return state.exists ? state : null;
  }

  /**
   * The customer's agreement as the caller may see it now: 404 when unknown, another customer's,
   * not visible to the caller yet (R-EA-15) or outside the window of R-EA-2.
   */
  async visibleAgreement(actor: Actor, customerId: string, agreementId: string, now: string): Promise<{ agreement: ExistingEaAgreement; customer: ExistingCustomer }> {
    const [{ customer, granted }, agreement] = await Promise.all([this.partnerAccess(actor, customerId), this.agreement(agreementId)]);
    if (!granted || !agreement || agreement.customerId !== customerId) throw notFound('ea-agreement', agreementId);
    if (!isOperator(actor) && !isAgreementVisible(agreement.endDate, now)) throw notFound('ea-agreement', agreementId);
    return { agreement, customer };
  }

  async renewal(agreementId: string, eaSubscriptionId: string): Promise<EaRenewalState> {
    const { state } = await loadState(this.store, eaRenewalDecider, eaRenewalStream(eaRenewalIdOf(agreementId, eaSubscriptionId)));
    return state;
  }

  /** R-EA-5, R-EA-6: the commercial license SKU with the provisioning id, end-of-sale ones included. */
  async cspMatch(provisioningId: string): Promise<CspMatch | null> {
    const skus = await this.catalogQueries.findSkusByProvisioningId(provisioningId);
    const products = new Map<string, Product | null>();
    for (const productId of new Set(skus.map((sku) => sku.productId))) products.set(productId, await this.catalog.getProduct(productId));
    const candidates: Array<{ product: Product; sku: Sku }> = [];
    for (const { productId, skuId } of skus) {
      const product = products.get(productId) ?? null;
      const sku = findSku(product, skuId);
      if (product && sku && sku.provisioningId === provisioningId) candidates.push({ product, sku });
    }
    return chooseCspSku(candidates);
  }
}
