import { Inject, Injectable, Logger, Module, type DynamicModule, type OnApplicationBootstrap } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { Clock } from '../../clock/src';
import { EVENT_STORE, type EventStore } from '../../event-store/src/port';
import { CatalogCommands } from './application/catalog.commands.service';
import { CatalogService } from './application/catalog.service';
import { loadStarterCatalog } from './application/starter-catalog';
import { CatalogQueries } from './read-models/catalog.queries';

export interface CatalogModuleOptions {
  /** Seed the starter catalog at start (default true); idempotent, so every process may do it. */
  loadStarterCatalog?: boolean;
}

const CATALOG_OPTIONS = Symbol('CATALOG_OPTIONS');

/** Loads the starter catalog once the application has started. */
@Injectable()
export class StarterCatalogLoader implements OnApplicationBootstrap {
  private readonly logger = new Logger('Catalog');

  constructor(
    @Inject(EVENT_STORE) private readonly store: EventStore,
    private readonly clock: Clock,
    @Inject(CATALOG_OPTIONS) private readonly options: CatalogModuleOptions,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    if (this.options.loadStarterCatalog === false) return;
    const id = randomUUID();
    const summary = await loadStarterCatalog(this.store, {
      actor: { userId: 'system:starter-catalog', tenantId: 'operator', roles: ['operator'] },
      correlationId: id,
      causationId: id,
      now: this.clock.now(),
    });
    this.logger.log(
      `starter catalog: ${summary.productsPublished} product(s), ${summary.priceListsPublished} price list(s), ${summary.promotionsCreated} promotion(s) published`,
    );
  }
}

/**
 * The catalog, prices and promotions. Needs EVENT_STORE, DATABASE and Clock (global).
 * Other contexts inject CatalogService (offers, products) and CatalogQueries (read models).
 */
@Module({})
export class CatalogModule {
  static forRoot(options: CatalogModuleOptions = {}): DynamicModule {
    return {
      module: CatalogModule,
      global: true,
      providers: [{ provide: CATALOG_OPTIONS, useValue: options }, CatalogService, CatalogCommands, CatalogQueries, StarterCatalogLoader],
      exports: [CatalogService, CatalogCommands, CatalogQueries],
    };
  }
}
