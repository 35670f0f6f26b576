/** Who did something. `tenantId` is a partner's tenant id, a customer's tenant id, or `operator`. */
export interface Actor {
  userId: string;
  tenantId: string;
  roles: string[];
}

/** Metadata every event carries (ARCHITECTURE rule 3, R-EVT-2). */
export interface EventMetadata {
  eventId: string;
  correlationId: string;
  causationId: string;
  actor: Actor;
  /** Domain time of the change (from the injected clock), ISO-8601 UTC. */
  occurredAt: string;
}

/** What a decider emits: a past-tense PascalCase type and JSON-safe data. */
export interface DomainEvent<TType extends string = string, TData = unknown> {
  type: TType;
  data: TData;
}

/** An event as the store returns it. */
export interface RecordedEvent<TEvent extends DomainEvent = DomainEvent> {
  eventId: string;
  type: TEvent['type'];
  data: TEvent['data'];
  metadata: EventMetadata;
  streamName: string;
  /** 0-based version of the event inside its stream. */
  streamVersion: number;
  /** Global position, an opaque string that sorts lexicographically in log order. */
  position: string;
  /** When the store recorded it (wall clock of the store), ISO-8601 UTC. */
  recordedAt: string;
}

/**
 * A pure decider (ARCHITECTURE rule 1): no I/O, no clock. `now`, the actor and new ids come in
 * the command. Refusals are thrown as DomainError.
 */
export interface Decider<TCommand, TState, TEvent extends DomainEvent> {
  initialState: TState;
  decide(command: TCommand, state: TState): TEvent[];
  evolve(state: TState, event: TEvent): TState;
}

export function fold<TState, TEvent extends DomainEvent>(
  decider: Pick<Decider<unknown, TState, TEvent>, 'initialState' | 'evolve'>,
  events: Iterable<TEvent>,
): TState {
  let state = decider.initialState;
  for (const event of events) state = decider.evolve(state, event);
  return state;
}

/** Stream names are `<snake_case category>-<id>`. */
export function streamName(category: string, id: string): string {
  return `${category}-${id}`;
}
