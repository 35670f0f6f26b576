import { randomUUID } from 'node:crypto';
import { fold, type Actor, type Decider, type DomainEvent, type EventMetadata } from '../../core/src';
import { WrongExpectedVersionError, type EventStore } from './port';

/** Metadata of the request that caused a command; the event ids are added per event. */
export interface CommandContext {
  actor: Actor;
  correlationId: string;
  /** The id of the command or event that caused this one. */
  causationId: string;
  /** Domain time (from the injected clock). */
  now: Date;
}

export interface HandleCommandOptions {
  /** Version-conflict retries before the conflict is surfaced (409). */
  maxRetries?: number;
  /**
   * Ids for the new events, by index. Deterministic ids make a repeated command (a timer job
   * delivered twice) a no-op at the store. Defaults to random UUIDs.
   */
  eventId?: (index: number, event: DomainEvent) => string;
}

export interface CommandResult<TState, TEvent extends DomainEvent> {
  events: TEvent[];
  state: TState;
  /** Stream version after the command (the version of its last event). */
  version: number;
}

/**
 * Load, decide, append with the expected version; retry a bounded number of times on a version
 * conflict (ARCHITECTURE rule 2). Refusals thrown by the decider pass through untouched.
 */
export async function handleCommand<TCommand, TState, TEvent extends DomainEvent>(
  store: EventStore,
  decider: Decider<TCommand, TState, TEvent>,
  stream: string,
  command: TCommand,
  context: CommandContext,
  options: HandleCommandOptions = {},
): Promise<CommandResult<TState, TEvent>> {
  const maxRetries = options.maxRetries ?? 3;
  for (let attempt = 0; ; attempt++) {
    const { version, events: recorded } = await store.readStream(stream);
    const state = fold(decider, recorded as unknown as TEvent[]);
    const events = decider.decide(command, state);
    if (events.length === 0) return { events, state, version };
    try {
      const result = await store.appendToStream(
        stream,
        version,
        events.map((event, index) => {
          const eventId = options.eventId ? options.eventId(index, event) : randomUUID();
          return { eventId, type: event.type, data: event.data, metadata: metadataFor(context, eventId) };
        }),
      );
      return { events, state: fold({ initialState: state, evolve: decider.evolve }, events), version: result.nextExpectedVersion };
    } catch (error) {
      if (error instanceof WrongExpectedVersionError && attempt < maxRetries) continue;
      throw error;
    }
  }
}

function metadataFor(context: CommandContext, eventId: string): EventMetadata {
  return {
    eventId,
    correlationId: context.correlationId,
    causationId: context.causationId,
    actor: context.actor,
    occurredAt: context.now.toISOString(),
  };
}

/** Loads a stream and folds it (for consistent single-resource reads). */
export async function loadState<TState, TEvent extends DomainEvent>(
  store: EventStore,
  decider: Pick<Decider<unknown, TState, TEvent>, 'initialState' | 'evolve'>,
  stream: string,
): Promise<{ state: TState; version: number; events: TEvent[] }> {
  const { version, events } = await store.readStream(stream);
  const domainEvents = events as unknown as TEvent[];
  return { state: fold(decider, domainEvents), version, events: domainEvents };
}
