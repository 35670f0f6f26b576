import { Inject, Injectable, Logger, Optional, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { Clock } from '../../../clock/src';
import { APP_CONFIG, type AppConfig } from '../../../config/src/app-config';
import type { CustomerState } from '../../../customers/src/domain/customer.decider';
import '../../../customers/src/read-models/customers.schema';
import { deterministicEventId } from '../../../event-store/src/event-id';
import { handleCommand, type CommandContext } from '../../../event-store/src/handle-command';
import { EVENT_STORE, type EventStore } from '../../../event-store/src/port';
import { ProjectionRunner } from '../../../event-store/src/projections/projection-runner';
import { DATABASE, type DatabaseHandle } from '../../../persistence/src/database';
import type { DueTimer, TimerJobContext, TimerProcessor } from '../../../timers/src/timer-service';
import { eaAccessDecider } from '../domain/ea-access';
import type { EaImportRequest } from '../domain/ea-transfer.events';
import '../read-models/ea-transfer.schema';
import { EA_TIMER_KINDS, type PartnerImportPayload } from './ea-transfer.timers';
import { EA_TRANSFER_ACTOR, eaAccessStream } from './streams';

export interface EaPartnerImportSettings {
  /** How often a worker looks for relationships of customers with EA data whose import was not asked for. */
  sweepEveryMs: number;
  sweepBatchSize: number;
}

export const EA_PARTNER_IMPORT_SETTINGS = Symbol('EA_PARTNER_IMPORT_SETTINGS');

const DEFAULTS: EaPartnerImportSettings = { sweepEveryMs: 1000, sweepBatchSize: 500 };

/** R-EA-15: asks for the EA import of each given related partner not asked for yet (one timer job each). */
export async function requestEaImports(store: EventStore, customerId: string, partners: EaImportRequest[], context: CommandContext): Promise<number> {
  if (partners.length === 0) return 0;
  const { events } = await handleCommand(store, eaAccessDecider, eaAccessStream(customerId), { type: 'RequestEaImports', customerId, partners, now: context.now.toISOString() }, context);
  const [requested] = events;
  return requested?.type === 'EaPartnerImportsRequested' ? requested.data.partners.length : 0;
}

/** The customer's related partners, as import requests. */
export function importRequestsOf(customer: CustomerState): EaImportRequest[] {
  return customer.exists ? customer.relationships.map((r) => ({ partnerTenantId: r.partnerTenantId, relationshipEstablishedAt: r.establishedAt })) : [];
}

/**
 * R-EA-15: the EA import of a partner runs as a timer job (BullMQ) once asked for. The operator's
 * import asks for the customer's partners related at that time; this sweep, in each worker
 * process, asks for the partners related later: relationships (customers read model) of customers
 * with EA agreements that have no import yet (ea_partner_access read model). Customers without EA
 * data never cost a job or an event.
 */
@Injectable()
export class EaPartnerImports implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger('EaPartnerImports');
  private readonly settings: EaPartnerImportSettings;
  private readonly inFlight = new Set<Promise<number>>();
  private timer: NodeJS.Timeout | null = null;

  constructor(
    @Inject(DATABASE) private readonly database: DatabaseHandle,
    @Inject(EVENT_STORE) private readonly store: EventStore,
    private readonly clock: Clock,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly projections: ProjectionRunner,
    @Optional() @Inject(EA_PARTNER_IMPORT_SETTINGS) settings?: Partial<EaPartnerImportSettings>,
  ) {
    this.settings = { ...DEFAULTS, ...settings };
  }

  onApplicationBootstrap(): void {
    if (!this.config.roles.worker) return;
    this.timer = setInterval(() => {
      this.sweep().catch((error: Error) => this.logger.error(`EA import sweep failed: ${error.message}`));
    }, this.settings.sweepEveryMs);
    this.timer.unref();
  }

  async onApplicationShutdown(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    await Promise.all([...this.inFlight].map((sweep) => sweep.catch(() => undefined)));
  }

  /** Asks for the pending imports; answers how many partners were asked for. */
  sweep(): Promise<number> {
    const sweep = this.requestPendingImports();
    this.inFlight.add(sweep);
    return sweep.finally(() => this.inFlight.delete(sweep));
  }

  /** After the read models caught up: asks for every pending import now (tests, operators). */
  async requestPending(timeoutMs = 10_000): Promise<number> {
    await this.projections.waitForCatchUp(timeoutMs);
    return this.sweep();
  }

  /** Relationships of customers with EA agreements whose import was never asked for, oldest first. */
  async pending(limit = this.settings.sweepBatchSize): Promise<Array<EaImportRequest & { customerId: string }>> {
    const rows = await this.database.db
      .selectFrom('customer_partner_relationships as r')
      .select(['r.customer_id', 'r.partner_tenant_id', 'r.established_at'])
      .where(({ exists, selectFrom }) => exists(selectFrom('ea_agreements as a').select('a.agreement_id').whereRef('a.customer_id', '=', 'r.customer_id')))
      .where(({ not, exists, selectFrom }) =>
        not(
          exists(
            selectFrom('ea_partner_access as g')
              .select('g.customer_id')
              .whereRef('g.customer_id', '=', 'r.customer_id')
              .whereRef('g.partner_tenant_id', '=', 'r.partner_tenant_id'),
          ),
        ),
      )
      .orderBy('r.established_at')
      .orderBy('r.customer_id')
      .orderBy('r.partner_tenant_id')
      .limit(limit)
      .execute();
    return rows.map((row) => ({ customerId: row.customer_id, partnerTenantId: row.partner_tenant_id, relationshipEstablishedAt: row.established_at.toISOString() }));
  }

  private async requestPendingImports(): Promise<number> {
    const pending = await this.pending();
    const byCustomer = new Map<string, EaImportRequest[]>();
    for (const { customerId, ...request } of pending) byCustomer.set(customerId, [...(byCustomer.get(customerId) ?? []), request]);
    let requested = 0;
    for (const [customerId, partners] of byCustomer) {
      const now = this.clock.now();
      const id = deterministicEventId('ea-import-sweep', customerId, now.toISOString());
      requested += await requestEaImports(this.store, customerId, partners, { actor: EA_TRANSFER_ACTOR, correlationId: id, causationId: id, now });
    }
    return requested;
  }
}

/** The import of one relationship: the partner sees the customer's EA data from now on (once). */
export async function grantEaAccess(store: EventStore, clock: Clock, data: PartnerImportPayload, causationId: string): Promise<void> {
  const now = clock.now();
  await handleCommand(
    store,
    eaAccessDecider,
    eaAccessStream(data.customerId),
    {
      type: 'GrantEaAccess',
      customerId: data.customerId,
      partnerTenantId: data.partnerTenantId,
      relationshipEstablishedAt: data.relationshipEstablishedAt,
      now: now.toISOString(),
    },
    { actor: EA_TRANSFER_ACTOR, correlationId: causationId, causationId, now },
    { eventId: (index) => deterministicEventId('ea-partner-access', data.customerId, data.partnerTenantId, index) },
  );
}

/** R-EA-15: the import job of one related partner (timer kind `ea-transfer.partner-import`). */
@Injectable()
export class EaPartnerImportProcessor implements TimerProcessor {
  readonly kind = EA_TIMER_KINDS.partnerImport;

  constructor(
    @Inject(EVENT_STORE) private readonly store: EventStore,
    @Inject(Clock) private readonly clock: Clock,
  ) {}

  async process(timer: DueTimer, job: TimerJobContext): Promise<void> {
    await grantEaAccess(this.store, this.clock, timer.payload as PartnerImportPayload, job.occurrenceId);
  }
}
