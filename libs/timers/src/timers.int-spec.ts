import { randomBytes, randomUUID } from 'node:crypto';
import type { Redis } from 'ioredis';
import { ControllableClock } from '../../clock/src';
import { PostgresEventStore } from '../../event-store/src/postgres/postgres-event-store';
import { ProjectionRunner } from '../../event-store/src/projections/projection-runner';
import { createRedisConnection, deleteKeysWithPrefix, type JobsOptions } from '../../jobs/src/connection';
import { timerBatchJobId } from '../../jobs/src/queues';
import { createTestDatabase, type TestDatabase } from '../../persistence/src/testing/test-database';
import { DueTimersProjection } from './due-timers.projection';
import { reminderStream, reminderTimerId, reminderTimerRule, ReminderProcessor, scheduleReminder, REMINDER_TIMER_KIND } from './testing/reminder';
import { TimerService, type TimerProcessor } from './timer-service';

const quiet = { log: () => undefined, warn: () => undefined, error: () => undefined };
const T0 = new Date('2025-01-01T00:00:00.000Z');
const DAY = 24 * 3600 * 1000;

describe('timers: due rows in PostgreSQL, jobs in BullMQ (ARCHITECTURE rule 6)', () => {
  const base = `test-timers-${process.pid}-${randomBytes(4).toString('hex')}`;
  const jobs: JobsOptions = { redisUrl: process.env.REDIS_URL ?? 'redis://127.0.0.1:6379', prefix: base };
  let database: TestDatabase;
  let store: PostgresEventStore;
  let clock: ControllableClock;
  let processor: ReminderProcessor;
  let runner: ProjectionRunner;
  let timers: TimerService;
  let redis: Redis;
  const extra: TimerService[] = [];

  const settle = async () => {
    await timers.waitForIdle(10_000);
    await runner.waitForCatchUp(10_000);
  };
  const types = async (reminderId: string) => (await store.readStream(reminderStream(reminderId))).events.map((e) => e.type);
  const newId = () => randomUUID().slice(0, 8);

  beforeAll(async () => {
    database = await createTestDatabase();
    store = new PostgresEventStore(database.pool);
    clock = new ControllableClock(T0);
    processor = new ReminderProcessor(store, clock);
    runner = new ProjectionRunner(store, database, [new DueTimersProjection([reminderTimerRule])], {
      pollIntervalMs: 20,
      logger: quiet,
    });
    runner.start();
    // Sweeps only when a test asks, so the tests see each step.
    timers = new TimerService(database, clock, jobs, [reminderTimerRule], [processor], { sweepEveryMs: 3_600_000, backoffMs: 20 });
    await timers.startWorkers();
    redis = createRedisConnection(jobs);
  });

  afterAll(async () => {
    await Promise.all(extra.map((service) => service.stop()));
    await timers.stop();
    await runner.stop();
    await deleteKeysWithPrefix(redis, base);
    await deleteKeysWithPrefix(redis, `${base}-idle`);
    await deleteKeysWithPrefix(redis, `${base}-bounded`);
    await deleteKeysWithPrefix(redis, `${base}-auto`);
    await deleteKeysWithPrefix(redis, `${base}-scheduled`);
    await deleteKeysWithPrefix(redis, `${base}-flaky`);
    await redis.quit();
    await database.drop();
  });

  it('runs a timer exactly at its due instant, not one second before', async () => {
    const id = newId();
    const dueAt = new Date(clock.now().getTime() + DAY);
    await scheduleReminder(store, id, dueAt, clock.now());
    await settle();
    expect((await timers.find([reminderTimerId(id)])).map((row) => row.dueAt)).toEqual([dueAt]);

    clock.set(new Date(dueAt.getTime() - 1000));
    expect((await timers.sweepDue(clock.now())).swept).toEqual([]);
    await settle();
    expect(await types(id)).toEqual(['ReminderScheduled']);

    clock.set(dueAt);
    expect((await timers.sweepDue(clock.now())).swept.map((row) => row.timerId)).toEqual([reminderTimerId(id)]);
    await settle();
    expect(await types(id)).toEqual(['ReminderScheduled', 'ReminderFired']);
    expect((await store.readStream(reminderStream(id))).events[1].data).toMatchObject({ firedAt: dueAt.toISOString() });
    // The event cancelled the row: the next sweep finds nothing.
    expect(await timers.find([reminderTimerId(id)])).toEqual([]);
    expect((await timers.sweepDue(clock.now())).swept).toEqual([]);
  });

  it('a bounded sweep takes the earliest due rows into one job; sweeping them again adds nothing', async () => {
    const bounded = new TimerService(database, clock, { ...jobs, prefix: `${base}-bounded` }, [reminderTimerRule], [processor]);
    extra.push(bounded);
    const ids = [newId(), newId(), newId()];
    const start = clock.now().getTime();
    for (const [index, id] of ids.entries()) await scheduleReminder(store, id, new Date(start + DAY + index * 1000), clock.now());
    await settle();
    clock.set(new Date(start + DAY + 10_000));

    const first = await bounded.sweepDue(clock.now(), 2);
    expect(first.swept.map((row) => row.timerId)).toEqual(ids.slice(0, 2).map(reminderTimerId));
    expect(await waitingTimerIds(bounded)).toEqual([ids.slice(0, 2).map(reminderTimerId)]);
    // Nothing ran yet: the same two are found again and dedupe.
    await bounded.sweepDue(clock.now(), 2);
    expect(await waitingTimerIds(bounded)).toEqual([ids.slice(0, 2).map(reminderTimerId)]);

    // Let the live workers run them, so later tests start from an empty due list.
    await timers.sweepDue(clock.now());
    await settle();
    for (const id of ids) expect(await types(id)).toEqual(['ReminderScheduled', 'ReminderFired']);
    await deleteKeysWithPrefix(redis, `${base}-bounded`);
  });

  it('scheduled sweeps: bounded jobs in Redis, go on after the rows already queued, start over once every job finished', async () => {
    const prefix = `${base}-scheduled`;
    const scheduled = new TimerService(database, clock, { ...jobs, prefix }, [reminderTimerRule], [processor], { sweepMaxRows: 2, jobRows: 1 });
    extra.push(scheduled);
    const ids = [newId(), newId(), newId()];
    const start = clock.now().getTime();
    for (const [index, id] of ids.entries()) await scheduleReminder(store, id, new Date(start + DAY + index * 1000), clock.now());
    await settle();
    clock.set(new Date(start + DAY + 10_000));
    const [a, b, c] = ids.map(reminderTimerId);

    expect((await scheduled.scheduledSweep()).swept.map((row) => row.timerId)).toEqual([a, b]);
    // Two rows queued: a sweep's worth, so the next sweep adds nothing.
    expect((await scheduled.scheduledSweep()).swept).toEqual([]);
    // One job done (removed here): the next sweep goes on after b instead of sweeping a and b again.
    await (await scheduled.queue().getWaiting()).find((job) => job.data.timers[0].timerId === a)!.remove();
    expect((await scheduled.scheduledSweep()).swept.map((row) => row.timerId)).toEqual([c]);
    expect((await scheduled.scheduledSweep()).swept).toEqual([]);
    // Every job gone while the rows are still due (say Redis lost them): it starts over from the earliest.
    await scheduled.queue().drain();
    expect((await scheduled.scheduledSweep()).swept.map((row) => row.timerId)).toEqual([a, b]);

    await timers.sweepDue(clock.now());
    await settle();
    for (const id of ids) expect(await types(id)).toEqual(['ReminderScheduled', 'ReminderFired']);
    await deleteKeysWithPrefix(redis, prefix);
  });

  it('a job whose row fails is retried whole; the rows it had done are not done twice', async () => {
    const prefix = `${base}-flaky`;
    const ids = [newId(), newId(), newId()];
    const failOnce = new Set([reminderTimerId(ids[1])]);
    const flaky: TimerProcessor = {
      kind: REMINDER_TIMER_KIND,
      async process(timer, context) {
        if (failOnce.delete(timer.timerId)) throw new Error('the store is away for a moment');
        await processor.process(timer, context);
      },
    };
    const retrying = new TimerService(database, clock, { ...jobs, prefix }, [reminderTimerRule], [flaky], { sweepEveryMs: 3_600_000, backoffMs: 20 });
    extra.push(retrying);
    await retrying.startWorkers();
    const dueAt = new Date(clock.now().getTime() + DAY);
    for (const id of ids) await scheduleReminder(store, id, dueAt, clock.now());
    await settle();
    clock.set(dueAt);

    const { swept } = await retrying.sweepDue(clock.now());
    expect(swept.map((row) => row.timerId).sort()).toEqual(ids.map(reminderTimerId).sort());
    await retrying.waitForIdle(10_000);
    await runner.waitForCatchUp(10_000);

    expect(failOnce.size).toBe(0);
    for (const id of ids) expect(await types(id)).toEqual(['ReminderScheduled', 'ReminderFired']);
    const attempts = processor.deliveries.filter((delivery) => ids.map(reminderTimerId).includes(delivery.timerId)).map((delivery) => delivery.attempt);
    // First delivery: two rows done, one failed; the retry runs all three, the two done ones change nothing.
    expect(attempts.sort()).toEqual([1, 1, 2, 2, 2]);
    expect(await retrying.failedJobs()).toEqual([]);
    await deleteKeysWithPrefix(redis, prefix);
  });

  it('sweeping the same row twice creates one job (deterministic job id)', async () => {
    const idle = new TimerService(database, clock, { ...jobs, prefix: `${base}-idle` }, [reminderTimerRule], [processor]);
    extra.push(idle);
    const id = newId();
    const dueAt = new Date(clock.now().getTime() + DAY);
    await scheduleReminder(store, id, dueAt, clock.now());
    await settle();
    clock.set(dueAt);

    const first = await idle.sweepDue(clock.now());
    const second = await idle.sweepDue(clock.now());
    expect(second.swept).toEqual(first.swept);
    expect((await idle.pendingJobCounts()).waiting).toBe(first.swept.length);
    expect(await idle.queue().getJob(timerBatchJobId(REMINDER_TIMER_KIND, [{ timerId: reminderTimerId(id), dueAt }]))).toBeDefined();

    await timers.sweepDue(clock.now());
    await settle();
    expect(await types(id)).toEqual(['ReminderScheduled', 'ReminderFired']);
    await idle.queue().obliterate({ force: true });
  });

  it('Redis losing everything between scheduling and due time loses no work, and does it once', async () => {
    const id = newId();
    const dueAt = new Date(clock.now().getTime() + 2 * DAY);
    await scheduleReminder(store, id, dueAt, clock.now());
    await settle();
    expect(await timers.ensureSweepScheduler()).toBe(false);

    await deleteKeysWithPrefix(redis, base);
    // The worker's watchdog recreates the repeating sweep.
    expect(await timers.ensureSweepScheduler()).toBe(true);

    clock.set(dueAt);
    await timers.sweepDue(clock.now());
    await settle();
    expect(await types(id)).toEqual(['ReminderScheduled', 'ReminderFired']);
  });

  it('a job lost from Redis after the sweep is swept again from the row', async () => {
    const idle = new TimerService(database, clock, { ...jobs, prefix: `${base}-idle` }, [reminderTimerRule], [processor]);
    extra.push(idle);
    const id = newId();
    const dueAt = new Date(clock.now().getTime() + DAY);
    await scheduleReminder(store, id, dueAt, clock.now());
    await settle();
    clock.set(dueAt);

    expect((await idle.sweepDue(clock.now())).swept.map((row) => row.timerId)).toContain(reminderTimerId(id));
    await deleteKeysWithPrefix(redis, `${base}-idle`);
    await deleteKeysWithPrefix(redis, `${base}-bounded`); // the job is gone before any worker took it
    expect(await types(id)).toEqual(['ReminderScheduled']);

    await timers.sweepDue(clock.now());
    await settle();
    expect(await types(id)).toEqual(['ReminderScheduled', 'ReminderFired']);
  });

  it('the same timer delivered twice (or twice at once) gives one event', async () => {
    const id = newId();
    const dueAt = new Date(clock.now().getTime() + DAY);
    await scheduleReminder(store, id, dueAt, clock.now());
    await settle();
    clock.set(dueAt);
    const [row] = await timers.find([reminderTimerId(id)]);
    const timer = { timerId: row.timerId, kind: row.kind, dueAt: row.dueAt, payload: row.payload, streamName: row.streamName };

    await Promise.all([processor.process(timer, { occurrenceId: 'one', attempt: 1 }), processor.process(timer, { occurrenceId: 'two', attempt: 1 })]);
    await processor.process(timer, { occurrenceId: 'one', attempt: 2 });
    // And through the queue: the same job id added again after it completed.
    const data = { timers: [{ timerId: row.timerId, kind: row.kind, dueAt: row.dueAt.toISOString(), payload: row.payload, streamName: row.streamName }] };
    const jobId = timerBatchJobId(row.kind, data.timers);
    await timers.queue().add(row.kind, data, { jobId, removeOnComplete: true });
    await settle();
    await timers.queue().add(row.kind, data, { jobId, removeOnComplete: true });
    await settle();

    expect(processor.deliveries.filter((d) => d.timerId === row.timerId).length).toBeGreaterThanOrEqual(5);
    expect(await types(id)).toEqual(['ReminderScheduled', 'ReminderFired']);
  });

  it('a timer kind without a processor stops start-up', async () => {
    expect(() => new TimerService(database, clock, jobs, [reminderTimerRule], [])).toThrow(`timer kind(s) without a processor: ${REMINDER_TIMER_KIND}`);
    expect(() => new TimerService(database, clock, jobs, [reminderTimerRule], [processor, processor])).toThrow(/two processors/);

    // A stored row of a kind nobody handles (a feature removed too early) is refused too.
    await database.db
      .insertInto('due_timers')
      .values({ timer_id: 'orphan-1', kind: 'orphan.kind', due_at: T0, payload: '{}', stream_name: 'orphan-1', created_at: T0 })
      .execute();
    try {
      await expect(timers.checkStoredKinds()).rejects.toThrow('due timers of kind(s) without a processor: orphan.kind');
    } finally {
      await database.db.deleteFrom('due_timers').where('timer_id', '=', 'orphan-1').execute();
    }
    await expect(timers.checkStoredKinds()).resolves.toBeUndefined();
  });

  it('the job scheduler sweeps due rows by itself', async () => {
    const auto = new TimerService(database, clock, { ...jobs, prefix: `${base}-auto` }, [reminderTimerRule], [processor], { sweepEveryMs: 100 });
    extra.push(auto);
    await auto.startWorkers();
    const id = newId();
    const dueAt = new Date(clock.now().getTime() + DAY);
    await scheduleReminder(store, id, dueAt, clock.now());
    await settle();
    clock.set(dueAt);

    const deadline = Date.now() + 10_000;
    while ((await types(id)).length < 2 && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 50));
    expect(await types(id)).toEqual(['ReminderScheduled', 'ReminderFired']);
    await auto.stop();
  });
});

/** The timer ids of each waiting job, oldest job first. */
async function waitingTimerIds(service: TimerService): Promise<string[][]> {
  const waiting = await service.queue().getWaiting();
  return waiting.reverse().map((job) => job.data.timers.map((timer) => timer.timerId));
}
