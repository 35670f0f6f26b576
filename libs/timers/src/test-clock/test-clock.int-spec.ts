import { Global, Inject, Injectable, Module, ValidationPipe, type DynamicModule } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import { randomBytes } from 'node:crypto';
import { sql } from 'kysely';
import { Clock, ControllableClock } from '../../../clock/src';
import { deterministicEventId } from '../../../event-store/src/event-id';
import { EVENT_STORE, type EventStore } from '../../../event-store/src/port';
import { PostgresEventStore } from '../../../event-store/src/postgres/postgres-event-store';
import { ProjectionsModule } from '../../../event-store/src/projections/projections.module';
import { createRedisConnection, deleteKeysWithPrefix } from '../../../jobs/src/connection';
import { JobsModule } from '../../../jobs/src/jobs.module';
import { DATABASE } from '../../../persistence/src/database';
import { createTestDatabase, type TestDatabase } from '../../../persistence/src/testing/test-database';
import { DueTimersProjection } from '../due-timers.projection';
import { FiredRemindersProjection, ReminderProcessor, reminderTimerRule, scheduleReminder } from '../testing/reminder';
import { timerRule } from '../timer-rules';
import type { DueTimer, TimerProcessor } from '../timer-service';
import { TimersModule } from '../timers.module';
import { TestClockModule } from './test-clock.module';

const T0 = new Date('2025-01-01T00:00:00.000Z');
const day = (n: number) => new Date(T0.getTime() + n * 24 * 3600 * 1000);

/** A timer whose processor waits until the test lets it go, then records that it is done. */
const HANG_KIND = 'test.hang';
const hangRule = timerRule([HANG_KIND], ['HangScheduled', 'HangDone'], (event) =>
  event.type === 'HangScheduled'
    ? [{ schedule: { timerId: 'hang-1', kind: HANG_KIND, dueAt: (event.data as { dueAt: string }).dueAt } }]
    : [{ cancel: 'hang-1' }],
);

let releaseHang: () => void = () => undefined;

@Injectable()
class HangProcessor implements TimerProcessor {
  readonly kind = HANG_KIND;
  constructor(@Inject(EVENT_STORE) private readonly store: EventStore) {}

  async process(timer: DueTimer): Promise<void> {
    await new Promise<void>((resolve) => (releaseHang = resolve));
    const eventId = deterministicEventId(timer.timerId, 'done');
    await this.store.appendToStream('hang-1', 'any', [
      { eventId, type: 'HangDone', data: {}, metadata: { eventId, correlationId: eventId, causationId: eventId, actor: { userId: 's', tenantId: 'operator', roles: [] }, occurredAt: T0.toISOString() } },
    ]);
  }
}

function rootModule(database: TestDatabase, store: EventStore, clock: Clock, prefix: string): DynamicModule {
  @Global()
  @Module({
    providers: [
      { provide: DATABASE, useValue: database },
      { provide: EVENT_STORE, useValue: store },
      { provide: Clock, useValue: clock },
    ],
    exports: [DATABASE, EVENT_STORE, Clock],
  })
  class PlatformStub {}

  const rules = [reminderTimerRule, hangRule];
  @Module({})
  class Root {}
  return {
    module: Root,
    imports: [
      PlatformStub,
      JobsModule.forRoot({ prefix }),
      ProjectionsModule.forRoot({
        projections: [new DueTimersProjection(rules), FiredRemindersProjection],
        runInThisProcess: true,
        runner: { pollIntervalMs: 20 },
      }),
      TimersModule.forRoot({ rules, processors: [ReminderProcessor, HangProcessor], runWorkers: true, service: { sweepEveryMs: 3_600_000 } }),
      TestClockModule.forRoot({ enabled: true, timeoutMs: 1500 }),
    ],
  };
}

describe('test clock endpoints (APP_ENV=test)', () => {
  const prefix = `test-clock-${process.pid}-${randomBytes(4).toString('hex')}`;
  let database: TestDatabase;
  let store: PostgresEventStore;
  let clock: ControllableClock;
  let app: NestFastifyApplication;

  const fired = async () =>
    (await sql<{ reminder_id: string; fired_at: Date }>`select reminder_id, fired_at from test_fired_reminders order by fired_at`.execute(database.db)).rows.map(
      (row) => [row.reminder_id, row.fired_at.toISOString()],
    );

  beforeAll(async () => {
    database = await createTestDatabase();
    await FiredRemindersProjection.createTable(database.db);
    store = new PostgresEventStore(database.pool);
    clock = new ControllableClock(T0);
    app = await NestFactory.create<NestFastifyApplication>(rootModule(database, store, clock, prefix), new FastifyAdapter(), {
      logger: false,
      abortOnError: false,
    });
    app.useGlobalPipes(new ValidationPipe({ whitelist: true, forbidNonWhitelisted: true, transform: true }));
    app.enableShutdownHooks();
    await app.init();
    await app.getHttpAdapter().getInstance().ready();
  });

  afterAll(async () => {
    releaseHang();
    await app?.close();
    const redis = createRedisConnection({ redisUrl: process.env.REDIS_URL ?? 'redis://127.0.0.1:6379' });
    await deleteKeysWithPrefix(redis, prefix);
    await redis.quit();
    await database.drop();
  });

  it('GET answers the current business time', async () => {
    const response = await app.inject({ method: 'GET', url: '/v1/test/clock' });
    expect(response.statusCode).toBe(200);
    expect(response.json()).toEqual({ now: T0.toISOString() });
  });

  it('advance runs every timer due on the way, each at its own instant, and answers once projections caught up', async () => {
    await scheduleReminder(store, 'a', day(1), T0);
    await scheduleReminder(store, 'b', day(10), T0, { reminderId: 'b-next', afterMinutes: 24 * 60 });
    await scheduleReminder(store, 'c', day(40), T0);

    const response = await app.inject({ method: 'POST', url: '/v1/test/clock/advance', payload: { days: 30 } });
    expect(response.statusCode).toBe(200);
    const body = response.json();
    expect(body.now).toBe(day(30).toISOString());
    expect(body.fired.map((f: { timerId: string; dueAt: string }) => [f.timerId, f.dueAt])).toEqual([
      ['reminder-a', day(1).toISOString()],
      ['reminder-b', day(10).toISOString()],
      ['reminder-b-next', day(11).toISOString()], // scheduled by work done during the move
    ]);
    expect(body.unprocessed).toEqual([]);
    // The read model already shows them: the answer waited for the projections.
    expect(await fired()).toEqual([
      ['a', day(1).toISOString()],
      ['b', day(10).toISOString()],
      ['b-next', day(11).toISOString()],
    ]);
    expect(clock.now()).toEqual(day(30));
  });

  it('PUT backwards only sets the clock; PUT forwards runs what became due', async () => {
    let response = await app.inject({ method: 'PUT', url: '/v1/test/clock', payload: { now: T0.toISOString() } });
    expect(response.statusCode).toBe(200);
    expect(response.json().fired).toEqual([]);
    expect(clock.now()).toEqual(T0);
    expect(await fired()).toHaveLength(3); // nothing ran again

    response = await app.inject({ method: 'PUT', url: '/v1/test/clock', payload: { now: day(40).toISOString() } });
    expect(response.statusCode).toBe(200);
    expect(response.json().fired.map((f: { timerId: string }) => f.timerId)).toEqual(['reminder-c']);
    expect((await fired()).at(-1)).toEqual(['c', day(40).toISOString()]);
  });

  it('refuses a malformed move', async () => {
    for (const payload of [{ days: -1 }, { days: 1.5 }, { weeks: 1 }]) {
      const response = await app.inject({ method: 'POST', url: '/v1/test/clock/advance', payload });
      expect(response.statusCode).toBe(400);
    }
    const response = await app.inject({ method: 'PUT', url: '/v1/test/clock', payload: { now: 'tomorrow' } });
    expect(response.statusCode).toBe(400);
    expect(clock.now()).toEqual(day(40));
  });

  it('answers 504 problem+json naming the pending work when it does not finish in time', async () => {
    const eventId = deterministicEventId('hang', 'scheduled');
    await store.appendToStream('hang-1', 'any', [
      { eventId, type: 'HangScheduled', data: { dueAt: day(41).toISOString() }, metadata: { eventId, correlationId: eventId, causationId: eventId, actor: { userId: 's', tenantId: 'operator', roles: [] }, occurredAt: T0.toISOString() } },
    ]);
    const response = await app.inject({ method: 'POST', url: '/v1/test/clock/advance', payload: { days: 2 } });
    expect(response.statusCode).toBe(504);
    expect(response.headers['content-type']).toMatch(/^application\/problem\+json/);
    const problem = response.json();
    expect(problem).toMatchObject({ status: 504, code: 'test-clock-timeout', target: day(42).toISOString() });
    expect(problem.pending.timerJobs.active).toBe(1);
    expect(problem.pending.dueTimers).toEqual([{ timerId: 'hang-1', kind: HANG_KIND, dueAt: day(41).toISOString() }]);
    // The clock stays at the last due instant it reached.
    expect(clock.now()).toEqual(day(41));

    releaseHang();
    const retry = await app.inject({ method: 'POST', url: '/v1/test/clock/advance', payload: { days: 1 } });
    expect(retry.statusCode).toBe(200);
    expect(retry.json().now).toBe(day(42).toISOString());
  });
});

describe('timers module start-up', () => {
  it('fails when a timer kind has no processor', async () => {
    const database = await createTestDatabase();
    try {
      const store = new PostgresEventStore(database.pool);
      const root = rootModule(database, store, new ControllableClock(T0), `test-clock-start-${process.pid}`);
      const broken: DynamicModule = {
        ...root,
        imports: [
          ...(root.imports ?? []).slice(0, 3),
          TimersModule.forRoot({ rules: [reminderTimerRule, hangRule], processors: [ReminderProcessor], runWorkers: false }),
        ],
      };
      await expect(NestFactory.createApplicationContext(broken, { logger: false, abortOnError: false })).rejects.toThrow(
        `timer kind(s) without a processor: ${HANG_KIND}`,
      );
    } finally {
      await database.drop();
    }
  });
});
