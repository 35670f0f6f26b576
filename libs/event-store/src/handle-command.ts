import { randomUUID } from 'node:crypto';
import { DomainError, fold, type Actor, type Decider, type DomainEvent, type EventMetadata } from '../../core/src';
import { WrongExpectedVersionError, type EventStore } from './port';
import type { StateCache } from './state-cache';

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
  /**
   * States of streams this process recently handled. With it, a command is first decided on the
   * cached state and appended with its version (one round trip); the store refuses the append if
   * the stream moved, and then the command is decided again on the stream as it is.
   */
  cache?: StateCache<unknown>;
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
  const cache = options.cache as StateCache<TState> | undefined;
  const append = async (state: TState, version: number, events: TEvent[]): Promise<CommandResult<TState, TEvent>> => {
    const result = await store.appendToStream(
      stream,
      version,
      events.map((event, index) => {
        const eventId = options.eventId ? options.eventId(index, event) : randomUUID();
        return { eventId, type: event.type, data: event.data, metadata: metadataFor(context, eventId) };
      }),
    );
    const next = fold({ initialState: state, evolve: decider.evolve }, events);
    cache?.set(stream, { state: next, version: result.nextExpectedVersion });
    return { events, state: next, version: result.nextExpectedVersion };
  };

  const cached = cache?.get(stream);
  if (cached) {
    try {
      const events = decider.decide(command, cached.state);
      if (events.length > 0) return await append(cached.state, cached.version, events);
    } catch (error) {
      // Refused, or the stream moved on: the cached state may be old, so decide on the current one.
      if (!(error instanceof DomainError) && !(error instanceof WrongExpectedVersionError)) throw error;
    }
  }

  for (let attempt = 0; ; attempt++) {
    const { version, events: recorded } = await store.readStream(stream);
    const state = fold(decider, recorded as unknown as TEvent[]);
    if (version >= 0) cache?.set(stream, { state, version });
    const events = decider.decide(command, state);
    if (events.length === 0) return { events, state, version };
    try {
      return await append(state, version, events);
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
