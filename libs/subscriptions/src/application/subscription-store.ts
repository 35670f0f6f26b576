import { Inject, Injectable } from '@nestjs/common';
import { DomainError, fold, forbidden, notFound, type Actor, type RecordedEvent } from '../../../core/src';
import { CustomerAccess } from '../../../customers/src/application/customer-access';
import type { CommandContext } from '../../../event-store/src/handle-command';
import { EVENT_STORE, WrongExpectedVersionError, type EventStore } from '../../../event-store/src/port';
import type { SubscriptionCommand } from '../domain/subscription.commands';
import { subscriptionAccess, subscriptionDecider, type ExistingSubscription, type SubscriptionAccess } from '../domain/subscription.decider';
import type { SubscriptionEvent } from '../domain/subscription.events';
import { LruMap } from '../../../event-store/src/state-cache';
import { metadataFor, newEventId, subscriptionStream } from './streams';

export interface LoadedSubscription {
  state: ExistingSubscription;
  version: number;
  events: RecordedEvent[];
}

export interface SubscriptionCommandResult extends LoadedSubscription {
  /** The events this command appended (none when it changed nothing). */
  appended: SubscriptionEvent[];
}

const MAX_RETRIES = 3;
const CACHED_SUBSCRIPTIONS = 10_000;

interface CachedSubscription {
  state: ExistingSubscription;
  version: number;
}

/**
 * Loads subscriptions for one customer path (`/customers/{customerId}/subscriptions/{id}`),
 * applies R-TENANT-1 (another tenant's subscription is 404) and runs commands: load, check access,
 * decide, append with the expected version, retry on a version conflict.
 */
@Injectable()
export class SubscriptionStore {
  /** States this process last wrote or read for a command; a guess that the append's version check confirms. */
  private readonly recent = new LruMap<string, CachedSubscription>(CACHED_SUBSCRIPTIONS);

  constructor(
    @Inject(EVENT_STORE) private readonly store: EventStore,
    private readonly customers: CustomerAccess,
  ) {}

  /** The stream folded, optionally up to an instant (events that occurred at or before it). */
  async load(subscriptionId: string, asOf?: string): Promise<LoadedSubscription | null> {
    const { events } = await this.store.readStream(subscriptionStream(subscriptionId));
    const until = asOf === undefined ? events : events.filter((event) => event.metadata.occurredAt <= asOf);
    if (until.length === 0) return null;
    const state = fold(subscriptionDecider, until as unknown as SubscriptionEvent[]);
    if (!state.exists) return null;
    return { state, version: until[until.length - 1].streamVersion, events: until };
  }

  /** The subscription if the actor may see it under this customer (and manage it when asked), else 404/403. */
  async visible(actor: Actor, customerId: string, subscriptionId: string, need: 'read' | 'manage' = 'read', asOf?: string): Promise<LoadedSubscription> {
    const loaded = await this.load(subscriptionId, asOf);
    if (!loaded) throw notFound('subscription', subscriptionId);
    await this.requireAccess(loaded.state, actor, customerId, need);
    return loaded;
  }

  async accessOf(state: ExistingSubscription, actor: Actor): Promise<SubscriptionAccess> {
    const direct = subscriptionAccess(state, actor);
    if (direct === 'manage' || actor.tenantId === 'operator' || actor.tenantId === state.customerId) return direct;
    // R-IND-3: an indirect reseller associated with the customer by the owning provider manages it.
    const { state: customer } = await this.customers.load(state.customerId);
    const relationships = customer.exists ? customer.relationships : [];
    return subscriptionAccess(state, actor, (tenantId) => relationships.find((r) => r.partnerTenantId === tenantId)?.indirectProviderTenantId);
  }

  private async requireAccess(state: ExistingSubscription, actor: Actor, customerId: string, need: 'read' | 'manage'): Promise<void> {
    if (state.customerId !== customerId) throw notFound('subscription', state.subscriptionId);
    const access = await this.accessOf(state, actor);
    if (access === 'none') throw notFound('subscription', state.subscriptionId);
    if (need === 'manage' && access !== 'manage') throw forbidden('this subscription can only be read by the caller');
  }

  /**
   * Runs a command built from the current state. `build` may read other sources (the catalog); it
   * runs again after a version conflict, against the newer state.
   *
   * Optimistic: the command is first decided on the state this process last saw of the stream and
   * appended with that version, so the usual case costs one round trip; when the stream moved on
   * (a conflict), or the cached state refuses or changes nothing, the stream is read and the
   * command decided again on the current state. `fresh` always reads first.
   */
  async execute(
    customerId: string,
    subscriptionId: string,
    context: CommandContext,
    build: (loaded: LoadedSubscription) => Promise<SubscriptionCommand> | SubscriptionCommand,
    options: { fresh?: boolean } = {},
  ): Promise<SubscriptionCommandResult> {
    const cached = options.fresh ? undefined : this.recent.get(subscriptionId);
    if (cached && cached.state.customerId === customerId && subscriptionAccess(cached.state, context.actor) === 'manage') {
      const guess: LoadedSubscription = { state: cached.state, version: cached.version, events: [] };
      try {
        const command = await build(guess);
        const appended = subscriptionDecider.decide(command, guess.state);
        if (appended.length > 0) return await this.append(guess, appended, context);
      } catch (error) {
        // A refusal or a conflict on a state that may be old: decide again on the stream as it is.
        if (!(error instanceof DomainError) && !(error instanceof WrongExpectedVersionError)) throw error;
      }
    }
    let checked = false;
    for (let attempt = 0; ; attempt++) {
      const loaded = await this.load(subscriptionId);
      if (!loaded) throw notFound('subscription', subscriptionId);
      this.recent.set(subscriptionId, { state: loaded.state, version: loaded.version });
      if (!checked) {
        await this.requireAccess(loaded.state, context.actor, customerId, 'manage');
        checked = true;
      }
      const command = await build(loaded);
      const appended = subscriptionDecider.decide(command, loaded.state);
      if (appended.length === 0) return { ...loaded, appended };
      try {
        return await this.append(loaded, appended, context);
      } catch (error) {
        if (error instanceof WrongExpectedVersionError && attempt < MAX_RETRIES) continue;
        throw error;
      }
    }
  }

  private async append(loaded: LoadedSubscription, appended: SubscriptionEvent[], context: CommandContext): Promise<SubscriptionCommandResult> {
    const subscriptionId = loaded.state.subscriptionId;
    const result = await this.store.appendToStream(
      subscriptionStream(subscriptionId),
      loaded.version,
      appended.map((event) => {
        const eventId = newEventId();
        return { eventId, type: event.type, data: event.data, metadata: metadataFor(context, eventId) };
      }),
    );
    const state = fold({ initialState: loaded.state, evolve: subscriptionDecider.evolve }, appended) as ExistingSubscription;
    this.recent.set(subscriptionId, { state, version: result.nextExpectedVersion });
    return { state, version: result.nextExpectedVersion, events: loaded.events, appended };
  }
}
