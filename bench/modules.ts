import type { BenchModule } from './support';

/** Every benchmark, in run order. Add one with one line: `() => import('./x.bench').then((m) => m.xBench),`. */
export const benchModules: Array<() => Promise<BenchModule>> = [
  () => import('./event-store.bench').then((m) => m.appendBench),
  () => import('./event-store.bench').then((m) => m.handleCommandBench),
  () => import('./projection-rebuild.bench').then((m) => m.projectionRebuildBench),
  () => import('./price-lookup.bench').then((m) => m.priceLookupBench),
  () => import('./checkout.bench').then((m) => m.checkoutBench),
  () => import('./webhooks.bench').then((m) => m.webhookDeliveriesBench),
  () => import('./webhooks.bench').then((m) => m.asOfReadBench),
  () => import('./lifecycle.bench').then((m) => m.lifecycleBench),
];
