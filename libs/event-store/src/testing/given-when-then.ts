import { DomainError, fold, type Decider, type DomainEvent } from '../../../core/src';

export interface WhenClause<TEvent extends DomainEvent> {
  /** Asserts the events the decider emits (an empty list: the command changes nothing). */
  then(expected: TEvent[]): TEvent[];
  /** Asserts the decider refuses with a DomainError of this code; returns the error. */
  thenThrows(code: string): DomainError;
}

export interface GivenClause<TCommand, TEvent extends DomainEvent> {
  when(command: TCommand): WhenClause<TEvent>;
}

/**
 * Decider unit tests in one line each:
 *
 *   given(decider, [opened]).when(close).then([closed]);
 *   given(decider, []).when(close).thenThrows('not-open');
 */
export function given<TCommand, TState, TEvent extends DomainEvent>(
  decider: Decider<TCommand, TState, TEvent>,
  history: TEvent[],
): GivenClause<TCommand, TEvent> {
  return {
    when(command) {
      const decide = () => decider.decide(command, fold(decider, history));
      return {
        then(expected) {
          // Guards against `await given(...).when(...)`, which would call this as a thenable.
          if (typeof expected === 'function') throw new TypeError('finish with .then([...events]) or .thenThrows(code)');
          const events = decide();
          expect(events).toEqual(expected);
          return events;
        },
        thenThrows(code) {
          let events: TEvent[];
          try {
            events = decide();
          } catch (error) {
            if (!(error instanceof DomainError)) throw error;
            expect(error.code).toBe(code);
            return error;
          }
          throw new Error(`expected the decider to refuse with "${code}", it emitted ${JSON.stringify(events)}`);
        },
      };
    },
  };
}
