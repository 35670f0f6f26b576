import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes, randomUUID } from 'node:crypto';
import { join } from 'node:path';
import type { Redis } from 'ioredis';
import { sql } from 'kysely';
import { CatalogService } from '../../../catalog/src/application/catalog.service';
import { loadStarterCatalog } from '../../../catalog/src/application/starter-catalog';
import type { Offer } from '../../../catalog/src/domain/offer';
import type { TermDuration } from '../../../catalog/src/domain/catalog.types';
import { ControllableClock } from '../../../clock/src';
import type { CommandContext } from '../../../event-store/src/handle-command';
import { PostgresEventStore } from '../../../event-store/src/postgres/postgres-event-store';
import { ProjectionRunner } from '../../../event-store/src/projections/projection-runner';
import { createRedisConnection, deleteKeysWithPrefix } from '../../../jobs/src/connection';
import { timerBatchJobId, timerOccurrenceId } from '../../../jobs/src/queues';
import { whenReady } from '../../../jobs/src/worker-ready';
import { createTestDatabase, type TestDatabase } from '../../../persistence/src/testing/test-database';
import { DueTimersProjection } from '../../../timers/src/due-timers.projection';
import { TimerService } from '../../../timers/src/timer-service';
import { buildPurchase } from '../domain/purchase';
import { SubscriptionDeleteProcessor, SubscriptionDisableProcessor, SubscriptionTermEndProcessor } from './lifecycle.processors';
import { LIFECYCLE_TIMER_KINDS, subscriptionLifecycleTimerRule, termEndTimerId } from './lifecycle.timers';
import { appendPurchase, subscriptionStream } from './streams';

const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
const PURCHASED_AT = '2025-01-15T10:00:00.000Z';
/** Every subscription of these tests ends on 2026-01-14: renewal or expiry at this instant. */
const DUE = '2026-01-15T00:00:00.000Z';
const TRANSITIONS = ['SubscriptionRenewed', 'SubscriptionExpired'];
const SYSTEM = { userId: 'test', tenantId: 'operator', roles: ['operator'] };
const quiet = { log: () => undefined, warn: () => undefined, error: () => undefined };

async function until(probe: () => Promise<boolean>, timeoutMs: number, what: string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await probe())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

describe('term-end lifecycle survives faults (real PostgreSQL, Redis and worker processes)', () => {
  const base = `test-lifecycle-${process.pid}-${randomBytes(4).toString('hex')}`;
  let db: TestDatabase;
  let store: PostgresEventStore;
  let runner: ProjectionRunner;
  let redis: Redis;
  let offer: Offer & { termDuration: TermDuration };
  const children: ChildProcess[] = [];
  const services: TimerService[] = [];

  beforeAll(async () => {
    db = await createTestDatabase();
    store = new PostgresEventStore(db.pool);
    const context: CommandContext = { actor: SYSTEM, correlationId: randomUUID(), causationId: randomUUID(), now: new Date(PURCHASED_AT) };
    await loadStarterCatalog(store, context);
    const quoted = await new CatalogService(store).requireOffer({
      catalogItemId: 'CFQ7TTC0LFLZ:0002:CFQ7TTC0JSWX',
      market: 'DE',
      currency: 'EUR',
      termDuration: 'P1Y',
      billingCycle: 'annual',
      at: PURCHASED_AT,
    });
    offer = quoted as Offer & { termDuration: TermDuration };
    runner = new ProjectionRunner(store, db, [new DueTimersProjection([subscriptionLifecycleTimerRule])], { pollIntervalMs: 20, logger: quiet });
    runner.start();
    redis = createRedisConnection({ redisUrl: REDIS_URL });
  });

  afterAll(async () => {
    for (const child of children) if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    await Promise.all(services.map((service) => service.stop()));
    await runner?.stop();
    // Each test has its own prefix; deleteKeysWithPrefix takes `<prefix>:*` only.
    for (const prefix of [base, `${base}-flush`, `${base}-kill`, `${base}-twice`]) await deleteKeysWithPrefix(redis, prefix);
    await redis?.quit();
    await db?.drop();
  });

  /** `count` subscriptions of one customer ending 2026-01-14; every other one has auto-renew off. */
  async function seed(count: number): Promise<string[]> {
    const customerId = randomUUID();
    const partnerTenantId = randomUUID();
    const context: CommandContext = { actor: SYSTEM, correlationId: customerId, causationId: customerId, now: new Date(PURCHASED_AT) };
    const ids = Array.from({ length: count }, () => randomUUID());
    for (let start = 0; start < ids.length; start += 50) {
      await Promise.all(
        ids.slice(start, start + 50).map((subscriptionId, i) =>
          appendPurchase(
            store,
            buildPurchase({
              subscriptionId,
              customerId,
              partnerTenantId,
              orderId: null,
              lineItemNumber: null,
              transactionType: 'new',
              offer,
              quantity: 5,
              now: PURCHASED_AT,
              reseller: null,
              cancellationWindow: true,
              autoRenewEnabled: (start + i) % 2 === 0,
            }),
            context,
          ),
        ),
      );
    }
    await until(async () => (await dueRowCounts(ids)).get(`${LIFECYCLE_TIMER_KINDS.termEnd}@${DUE}`) === ids.length, 30_000, 'the due rows');
    return ids;
  }

  /** Due rows of these subscriptions by `kind@dueAt`. */
  async function dueRowCounts(ids: readonly string[]): Promise<Map<string, number>> {
    const rows = await db.db.selectFrom('due_timers').select(['kind', 'due_at']).where('stream_name', 'in', ids.map(subscriptionStream)).execute();
    const counts = new Map<string, number>();
    for (const row of rows) {
      const key = `${row.kind}@${row.due_at.toISOString()}`;
      counts.set(key, (counts.get(key) ?? 0) + 1);
    }
    return counts;
  }

  /** Transition events per subscription among `ids` (type and domain instant). */
  async function transitions(ids: readonly string[]): Promise<Map<string, Array<{ type: string; at: string }>>> {
    const streams = ids.map(subscriptionStream);
    const rows = await sql<{ stream_name: string; type: string; at: string }>`
      select stream_name, type, metadata->>'occurredAt' as at from events
      where stream_name = any(${streams}) and type = any(${TRANSITIONS}) order by position`.execute(db.db);
    const map = new Map<string, Array<{ type: string; at: string }>>();
    for (const row of rows.rows) map.set(row.stream_name, [...(map.get(row.stream_name) ?? []), { type: row.type, at: row.at }]);
    return map;
  }

  async function expectEachTransitionedOnce(ids: readonly string[]): Promise<void> {
    const found = await transitions(ids);
    ids.forEach((id, index) => {
      expect({ id, events: found.get(subscriptionStream(id)) }).toEqual({ id, events: [{ type: index % 2 === 0 ? 'SubscriptionRenewed' : 'SubscriptionExpired', at: DUE }] });
    });
    // The rows moved on: the next term's end, or the end of the grace period (polled: the
    // projection may trail while a long transaction elsewhere on the server holds readers back).
    const expected = {
      [`${LIFECYCLE_TIMER_KINDS.termEnd}@2027-01-15T00:00:00.000Z`]: Math.ceil(ids.length / 2),
      [`${LIFECYCLE_TIMER_KINDS.disable}@2026-02-14T00:00:00.000Z`]: Math.floor(ids.length / 2),
    };
    const matches = async () => JSON.stringify(Object.fromEntries([...(await dueRowCounts(ids))].sort())) === JSON.stringify(Object.fromEntries(Object.entries(expected).sort()));
    await until(matches, 30_000, 'the next due rows').catch(() => undefined);
    expect(Object.fromEntries(await dueRowCounts(ids))).toEqual(expected);
  }

  function startWorker(prefix: string, extra: Record<string, string> = {}): Promise<ChildProcess> {
    const child = spawn(process.execPath, ['-r', 'ts-node/register', join(__dirname, '../testing/lifecycle-worker.main.ts')], {
      env: {
        ...process.env,
        TS_NODE_SWC: 'true',
        TS_NODE_TRANSPILE_ONLY: 'true',
        DATABASE_URL: db.url,
        REDIS_URL,
        REDIS_PREFIX: prefix,
        LIFECYCLE_CLOCK_AT: DUE,
        LIFECYCLE_CONCURRENCY: '4',
        LIFECYCLE_SWEEP_EVERY_MS: '200',
        LIFECYCLE_POOL_SIZE: '6',
        ...extra,
      },
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    children.push(child);
    return whenReady(child);
  }

  async function stopWorker(child: ChildProcess): Promise<void> {
    const exited = new Promise((resolve) => child.once('exit', resolve));
    child.kill('SIGTERM');
    await exited;
  }

  it('R-SUB-6 R-SUB-7: Redis losing everything after the work was scheduled and swept loses nothing: each subscription renews or expires once', async () => {
    const prefix = `${base}-flush`;
    const ids = await seed(40);
    // The work is in Redis: the sweep scheduler and timer jobs holding every due row, waiting for a worker.
    const idle = new TimerService(db, new ControllableClock(new Date(DUE)), { redisUrl: REDIS_URL, prefix }, [subscriptionLifecycleTimerRule], processorsAt(DUE));
    services.push(idle);
    await idle.ensureSweepScheduler();
    expect((await idle.sweepDue(new Date(DUE))).swept.map((row) => row.timerId).sort()).toEqual(ids.map(termEndTimerId).sort());
    const queued = await idle.queue().getWaiting();
    expect(queued.flatMap((job) => job.data.timers.map((timer) => timer.timerId)).sort()).toEqual(ids.map(termEndTimerId).sort());

    expect(await deleteKeysWithPrefix(redis, prefix)).toBeGreaterThan(0);
    expect(await idle.queue().getJob(queued[0].id!)).toBeUndefined();

    // A worker starting on the empty Redis recreates the sweep, which recreates the jobs from the rows.
    const worker = await startWorker(prefix);
    await until(async () => (await transitions(ids)).size === ids.length, 30_000, 'every transition');
    await stopWorker(worker);
    await expectEachTransitionedOnce(ids);
  });

  it('R-SUB-6 R-SUB-7: a worker killed with SIGKILL in the middle of a sweep loses no transition and doubles none after a restart', async () => {
    const prefix = `${base}-kill`;
    const ids = await seed(300);
    // One row per sweep page: the sweep is still paging while the first jobs run.
    const settings = { LIFECYCLE_SWEEP_BATCH_SIZE: '1', LIFECYCLE_CONCURRENCY: '8' };
    const first = await startWorker(prefix, settings);
    await until(async () => (await transitions(ids)).size >= 5, 30_000, 'the first transitions');
    const exited = new Promise((resolve) => first.once('exit', resolve));
    first.kill('SIGKILL');
    await exited;
    const atKill = (await transitions(ids)).size;
    expect(atKill).toBeLessThan(ids.length);
    const watcher = new TimerService(db, new ControllableClock(new Date(DUE)), { redisUrl: REDIS_URL, prefix }, [subscriptionLifecycleTimerRule], processorsAt(DUE));
    services.push(watcher);
    // Mid-sweep: fewer jobs were ever made (done + left in Redis) than there are due rows.
    const left = await watcher.pendingJobCounts();
    expect(atKill + left.waiting + left.active + left.delayed).toBeLessThan(ids.length);

    // Jobs that were running when it died are stalled; the new worker takes them back once their locks expire.
    const second = await startWorker(prefix, settings);
    await until(async () => (await transitions(ids)).size === ids.length, 120_000, 'every transition after the restart');
    await watcher.waitForIdle(60_000);
    await stopWorker(second);
    expect(await watcher.failedJobs()).toEqual([]);
    await expectEachTransitionedOnce(ids);
  }, 180_000);

  it('R-SUB-6 R-SUB-7: the same timer job delivered twice (also at the same time) appends one event; one second early it is refused', async () => {
    const prefix = `${base}-twice`;
    const ids = await seed(2);
    const early = processorsAt(new Date(Date.parse(DUE) - 1000).toISOString());
    const onTime = processorsAt(DUE);
    const service = new TimerService(db, new ControllableClock(new Date(DUE)), { redisUrl: REDIS_URL, prefix }, [subscriptionLifecycleTimerRule], onTime, {
      sweepEveryMs: 3_600_000,
      backoffMs: 20,
    });
    services.push(service);
    await service.startWorkers();
    const rows = await service.find(ids.map(termEndTimerId));
    expect(rows).toHaveLength(2);
    const timers = rows.map((row) => ({ timerId: row.timerId, kind: row.kind, dueAt: row.dueAt, payload: row.payload, streamName: row.streamName }));

    for (const timer of timers) {
      await expect(early[0].process(timer, { occurrenceId: 'early', attempt: 1 })).rejects.toMatchObject({ code: 'transition-not-due' });
    }
    expect((await transitions(ids)).size).toBe(0);

    for (const timer of timers) {
      const occurrenceId = timerOccurrenceId(timer.timerId, timer.dueAt);
      // Two deliveries of the same timer at once, then a third later, then a fourth under another occurrence id.
      await Promise.all([onTime[0].process(timer, { occurrenceId, attempt: 1 }), onTime[0].process(timer, { occurrenceId, attempt: 1 })]);
      await onTime[0].process(timer, { occurrenceId, attempt: 2 });
      await onTime[0].process(timer, { occurrenceId: 'another-delivery', attempt: 1 });
      // And through the queue: the same job id added again after it completed.
      const data = { timers: [{ timerId: timer.timerId, kind: timer.kind, dueAt: timer.dueAt.toISOString(), payload: timer.payload, streamName: timer.streamName }] };
      const queuedJobId = timerBatchJobId(timer.kind, data.timers);
      await service.queue().add(timer.kind, data, { jobId: queuedJobId, removeOnComplete: true });
      await service.waitForIdle(10_000);
      await service.queue().add(timer.kind, data, { jobId: queuedJobId, removeOnComplete: true });
      await service.waitForIdle(10_000);
    }
    expect(await service.failedJobs()).toEqual([]);
    await expectEachTransitionedOnce(ids);
  });

  function processorsAt(now: string) {
    const clock = new ControllableClock(new Date(now));
    return [new SubscriptionTermEndProcessor(store, clock), new SubscriptionDisableProcessor(store, clock), new SubscriptionDeleteProcessor(store, clock)];
  }
});

