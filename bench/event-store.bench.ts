import type { Decider } from '../libs/core/src';
import { handleCommand, type CommandContext } from '../libs/event-store/src/handle-command';
import { PostgresEventStore } from '../libs/event-store/src/postgres/postgres-event-store';
import { StateCache } from '../libs/event-store/src/state-cache';
import { CONCURRENCY, sampleEvent } from './baselines';
import type { BenchModule } from './support';

/** Appends of one event each, every writer on its own stream. */
export const appendBench: BenchModule = {
  name: 'event-store append',
  async run(context) {
    const database = await context.scratchDatabase({ poolSize: CONCURRENCY });
    const store = new PostgresEventStore(database.pool);
    const result = await context.compare('raw8', { workers: CONCURRENCY, perWorker: 500 }, async (worker, index, round) => {
      await store.appendToStream(`bench_append-${round}_${worker}`, index - 1, [sampleEvent(index)]);
    });
    return [{ label: `append, ${CONCURRENCY} writers, 1 event each`, unit: 'appends', ...result, ratioTo: 'raw8', goal: 0.7 }];
  },
};

type Command = { type: 'Change'; seats: number };
type Event = { type: 'SeatsChanged'; data: { seats: number; previous: number } };

const seats: Decider<Command, { seats: number }, Event> = {
  initialState: { seats: 0 },
  decide: (command, state) => [{ type: 'SeatsChanged', data: { seats: command.seats, previous: state.seats } }],
  evolve: (_, event) => ({ seats: event.data.seats }),
};

const context: CommandContext = {
  actor: { userId: 'bench-user', tenantId: 'bench-tenant', roles: ['partner-admin'] },
  correlationId: 'bench',
  causationId: 'bench',
  now: new Date('2025-01-01T00:00:00.000Z'),
};

/** Load, decide, append through handleCommand; each writer cycles over its own short streams. */
export const handleCommandBench: BenchModule = {
  name: 'handleCommand',
  async run(benchContext) {
    const database = await benchContext.scratchDatabase({ poolSize: CONCURRENCY });
    const store = new PostgresEventStore(database.pool);
    const command = (cache?: StateCache<unknown>) => async (worker: number, index: number, round: number) => {
      await handleCommand(store, seats, `bench_command-${round}_${worker}_${index % 20}`, { type: 'Change', seats: index }, context, { cache });
    };
    const cold = await benchContext.compare('raw8', { workers: CONCURRENCY, perWorker: 300 }, command());
    // The same commands with the process's state cache: decide on the cached state, one round trip.
    const cache = new StateCache<unknown>();
    const warm = await benchContext.compare('raw8', { workers: CONCURRENCY, perWorker: 300 }, command(cache));
    return [
      { label: `handleCommand, ${CONCURRENCY} concurrent (read + append)`, unit: 'commands', ...cold, ratioTo: 'raw8', goal: 0.5 },
      { label: `handleCommand, ${CONCURRENCY} concurrent, state cache`, unit: 'commands', ...warm, ratioTo: 'raw8', goal: 0.5 },
    ];
  },
};
