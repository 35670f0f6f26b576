import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes, randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { sql } from 'kysely';
import { CatalogService } from '../libs/catalog/src/application/catalog.service';
import { loadStarterCatalog } from '../libs/catalog/src/application/starter-catalog';
import type { TermDuration } from '../libs/catalog/src/domain/catalog.types';
import type { Offer } from '../libs/catalog/src/domain/offer';
import type { EventMetadata } from '../libs/core/src';
import { deterministicEventId } from '../libs/event-store/src/event-id';
import { PostgresEventStore } from '../libs/event-store/src/postgres/postgres-event-store';
import { ProjectionRunner } from '../libs/event-store/src/projections/projection-runner';
import { createRedisConnection, deleteKeysWithPrefix } from '../libs/jobs/src/connection';
import { whenReady } from '../libs/jobs/src/worker-ready';
import { subscriptionLifecycleTimerRule } from '../libs/subscriptions/src/application/lifecycle.timers';
import { subscriptionStream } from '../libs/subscriptions/src/application/streams';
import { buildPurchase } from '../libs/subscriptions/src/domain/purchase';
import { DueTimersProjection } from '../libs/timers/src/due-timers.projection';
import { CONCURRENCY } from './baselines';
import type { BenchModule } from './support';

const SUBSCRIPTIONS = Number(process.env.BENCH_LIFECYCLE_SUBSCRIPTIONS ?? 100_000);
/** Timer jobs the worker runs at once, and due rows per job. */
const WORKER_CONCURRENCY = process.env.BENCH_LIFECYCLE_CONCURRENCY ?? '4';
const JOB_ROWS = process.env.BENCH_LIFECYCLE_JOB_ROWS ?? '50';
/** Extra node flags for the worker process (none by default: its memory is what it needs). */
const WORKER_NODE_FLAGS = (process.env.BENCH_LIFECYCLE_NODE_FLAGS ?? '').split(' ').filter(Boolean);
const PURCHASED_AT = '2025-01-15T10:00:00.000Z';
/** All of them end on 2026-01-14. */
const DUE = '2026-01-15T00:00:00.000Z';
const LOAD_CHUNK = 2_000;
const quiet = { log: () => undefined, warn: () => undefined, error: () => undefined };

/**
 * 100,000 subscriptions ending on the same day (half with auto-renew on, half off), written in
 * bulk; a separate worker process (the lifecycle worker, compiled) sweeps the due rows into timer
 * jobs and renews or expires each one through the subscription decider. Figures: transitions per
 * second against the raw 8-connection insert rate (goal >= 30 %), and the worker's peak RSS
 * (goal < 300 MB). The due-timers projection runs beside it, as in production.
 */
export const lifecycleBench: BenchModule = {
  name: 'term-end lifecycle',
  async run(context) {
    const database = await context.scratchDatabase({ poolSize: CONCURRENCY + 2 });
    const store = new PostgresEventStore(database.pool);
    const prefix = `bench-lifecycle-${process.pid}-${randomBytes(4).toString('hex')}`;
    const actor = { userId: 'bench', tenantId: 'operator', roles: ['operator'] };
    await loadStarterCatalog(store, { actor, correlationId: randomUUID(), causationId: randomUUID(), now: new Date(PURCHASED_AT) });
    const offer = (await new CatalogService(store).requireOffer({
      catalogItemId: 'CFQ7TTC0LFLZ:0002:CFQ7TTC0JSWX',
      market: 'DE',
      currency: 'EUR',
      termDuration: 'P1Y',
      billingCycle: 'monthly',
      at: PURCHASED_AT,
    })) as Offer & { termDuration: TermDuration };

    // Bulk load, not through HTTP: one purchase event per subscription, in multi-row inserts.
    const customerId = randomUUID();
    const partnerTenantId = randomUUID();
    const chunks = Array.from({ length: Math.ceil(SUBSCRIPTIONS / LOAD_CHUNK) }, (_, index) => index);
    const loadStarted = process.hrtime.bigint();
    await Promise.all(
      Array.from({ length: CONCURRENCY }, async (_, worker) => {
        for (let c = worker; c < chunks.length; c += CONCURRENCY) {
          const rows = { ids: [] as string[], streams: [] as string[], data: [] as string[], metadata: [] as string[] };
          for (let n = c * LOAD_CHUNK; n < Math.min(SUBSCRIPTIONS, (c + 1) * LOAD_CHUNK); n++) {
            const subscriptionId = deterministicEventId('bench-subscription', prefix, n);
            const eventId = deterministicEventId('subscription-purchased', subscriptionId);
            const data = buildPurchase({
              subscriptionId,
              customerId,
              partnerTenantId,
              orderId: null,
              lineItemNumber: null,
              transactionType: 'new',
              offer,
              quantity: 10,
              now: PURCHASED_AT,
              reseller: null,
              cancellationWindow: true,
              autoRenewEnabled: n % 2 === 0,
            });
            const metadata: EventMetadata = { eventId, correlationId: customerId, causationId: customerId, actor, occurredAt: PURCHASED_AT };
            rows.ids.push(eventId);
            rows.streams.push(subscriptionStream(subscriptionId));
            rows.data.push(JSON.stringify(data));
            rows.metadata.push(JSON.stringify(metadata));
          }
          await sql`
            insert into events (event_id, stream_name, stream_version, type, data, metadata)
            select e, s, 0, 'SubscriptionPurchased', d::jsonb, m::jsonb
            from unnest(${rows.ids}::uuid[], ${rows.streams}::text[], ${rows.data}::text[], ${rows.metadata}::text[]) as t(e, s, d, m)
          `.execute(database.db);
        }
      }),
    );
    const loadSeconds = Number(process.hrtime.bigint() - loadStarted) / 1e9;
    // A database in service has statistics; rows loaded in bulk a moment ago have none yet.
    await sql`analyze events`.execute(database.db);

    // The due-timers projection turns the purchases into one due row each; it keeps running
    // beside the worker, as in production.
    const runner = new ProjectionRunner(store, database, [new DueTimersProjection([subscriptionLifecycleTimerRule])], {
      batchSize: 2_000,
      pollIntervalMs: 50,
      logger: quiet,
    });
    let worker: ChildProcess | null = null;
    try {
      const projectStarted = process.hrtime.bigint();
      runner.start();
      // Polled rather than waitForCatchUp: a long transaction elsewhere on the server holds readers back.
      for (const deadline = Date.now() + 300_000; ; ) {
        const due = await sql<{ n: string }>`select count(*) as n from due_timers where due_at <= ${DUE}`.execute(database.db);
        if (Number(due.rows[0].n) === SUBSCRIPTIONS) break;
        if (Date.now() > deadline) throw new Error(`expected ${SUBSCRIPTIONS} due rows, found ${due.rows[0].n}`);
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
      const projectSeconds = Number(process.hrtime.bigint() - projectStarted) / 1e9;
      await sql`analyze due_timers`.execute(database.db);

      const head = (await sql<{ p: string }>`select coalesce(max(position), 0)::text as p from events`.execute(database.db)).rows[0].p;
      const transitioned = async (): Promise<number> => {
        const result = await sql<{ n: string }>`
          select count(*) as n from events
          where position > ${head}::bigint and type in ('SubscriptionRenewed', 'SubscriptionExpired')`.execute(database.db);
        return Number(result.rows[0].n);
      };

      const started = process.hrtime.bigint();
      worker = await startWorker(database.url, prefix);
      const pid = worker.pid as number;
      let peakKb = 0;
      for (;;) {
        peakKb = Math.max(peakKb, peakRssKb(pid));
        if ((await transitioned()) >= SUBSCRIPTIONS) break;
        if (worker.exitCode !== null) throw new Error(`the worker exited with ${worker.exitCode}`);
        // Counting costs the database too: once a second is precise enough for a run of a minute or more.
        await new Promise((resolve) => setTimeout(resolve, 1_000));
      }
      const seconds = Number(process.hrtime.bigint() - started) / 1e9;
      peakKb = Math.max(peakKb, peakRssKb(pid));
      const byType = await sql<{ type: string; n: string }>`
        select type, count(*) as n from events where position > ${head}::bigint group by type`.execute(database.db);
      const counts = Object.fromEntries(byType.rows.map((row) => [row.type, Number(row.n)]));
      if (counts.SubscriptionRenewed !== SUBSCRIPTIONS / 2 || counts.SubscriptionExpired !== SUBSCRIPTIONS / 2) {
        throw new Error(`expected half renewed, half expired: ${JSON.stringify(counts)}`);
      }
      const peakMb = Math.round(peakKb / 1024);
      return [
        { label: `${SUBSCRIPTIONS} purchase events, bulk insert`, unit: 'events', operations: SUBSCRIPTIONS, seconds: loadSeconds },
        { label: 'due rows projected from them', unit: 'rows', operations: SUBSCRIPTIONS, seconds: projectSeconds },
        {
          label: `term ends swept and transitioned (half renew, half expire), worker process, ${WORKER_CONCURRENCY} jobs of ${JOB_ROWS} rows at once`,
          unit: 'transitions',
          operations: SUBSCRIPTIONS,
          seconds,
          ratioTo: 'raw8',
          goal: 0.3,
        },
        // Shown as MB "per second" over one second; goal < 300 MB.
        { label: `worker peak RSS (VmHWM${WORKER_NODE_FLAGS.length ? `, node ${WORKER_NODE_FLAGS.join(' ')}` : ''}), goal < 300 MB`, unit: 'MB', operations: peakMb, seconds: 1 },
      ];
    } finally {
      if (worker && worker.exitCode === null) {
        const child = worker;
        const exited = new Promise((resolve) => child.once('exit', resolve));
        child.kill('SIGTERM');
        await Promise.race([exited, new Promise((resolve) => setTimeout(resolve, 10_000))]);
        if (child.exitCode === null) child.kill('SIGKILL');
      }
      await runner.stop();
      const redis = createRedisConnection({ redisUrl: process.env.REDIS_URL ?? 'redis://127.0.0.1:6379' });
      await deleteKeysWithPrefix(redis, prefix).finally(() => redis.quit());
    }
  },
};

/** The lifecycle worker as its own process, from the compiled library (or through ts-node from the sources). */
function startWorker(databaseUrl: string, prefix: string): Promise<ChildProcess> {
  const entry = require.resolve('../libs/subscriptions/src/application/lifecycle-worker');
  const compiled = entry.endsWith('.js');
  const args = [...WORKER_NODE_FLAGS, ...(compiled ? [] : ['-r', 'ts-node/register']), '-e', `require(${JSON.stringify(entry)}).runLifecycleWorkerProcess()`];
  const child = spawn(process.execPath, args, {
    env: {
      ...process.env,
      ...(compiled ? {} : { TS_NODE_SWC: 'true', TS_NODE_TRANSPILE_ONLY: 'true' }),
      DATABASE_URL: databaseUrl,
      REDIS_URL: process.env.REDIS_URL ?? 'redis://127.0.0.1:6379',
      REDIS_PREFIX: prefix,
      LIFECYCLE_CLOCK_AT: DUE,
      LIFECYCLE_CONCURRENCY: WORKER_CONCURRENCY,
      LIFECYCLE_JOB_ROWS: JOB_ROWS,
      // The production cadence: a sweep a second, each enqueuing at most 5,000 due rows.
      LIFECYCLE_SWEEP_EVERY_MS: '1000',
      LIFECYCLE_SWEEP_BATCH_SIZE: '2000',
      LIFECYCLE_POOL_SIZE: '16',
    },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  return whenReady(child);
}

/** Peak resident set size of a process so far (Linux: VmHWM), in KB; 0 when unknown. */
function peakRssKb(pid: number): number {
  try {
    const match = /VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return match ? Number(match[1]) : 0;
  } catch {
    return 0;
  }
}
