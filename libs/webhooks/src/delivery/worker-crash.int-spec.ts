import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes, randomUUID } from 'node:crypto';
import { join } from 'node:path';
import { sql } from 'kysely';
import { Webhook } from 'standardwebhooks';
import { SystemClock } from '../../../clock/src';
import { PostgresEventStore } from '../../../event-store/src/postgres/postgres-event-store';
import { handleCommand } from '../../../event-store/src/handle-command';
import { ProjectionRunner } from '../../../event-store/src/projections/projection-runner';
import { createRedisConnection, deleteKeysWithPrefix } from '../../../jobs/src/connection';
import { whenReady } from '../../../jobs/src/worker-ready';
import { createTestDatabase, type TestDatabase } from '../../../persistence/src/testing/test-database';
import { webhookDecider, webhookStream } from '../domain/webhook.decider';
import { WebhooksProjection } from '../read-models/webhooks.projection';
import { LoopbackReceiver, type ReceivedRequest } from '../testing/loopback-receiver';
import { generateWebhookSecret } from './signature';
import { DEFAULT_DISPATCHER_SETTINGS, WebhookDispatcher } from './webhook-dispatcher';

const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
const MESSAGES = 150;

/** Settings that make recovery take seconds, not minutes. */
const FAST = {
  WEBHOOKS_CONCURRENCY: '2',
  WEBHOOKS_JOB_BATCH_SIZE: '10',
  WEBHOOKS_TIMEOUT_MS: '2000',
  WEBHOOKS_IN_FLIGHT_MARGIN_MS: '500',
  WEBHOOKS_RETRY_BASE_MS: '100',
  WEBHOOKS_SWEEP_EVERY_MS: '100',
  WEBHOOKS_ENQUEUE_LEASE_MS: '2000',
  WEBHOOKS_STALLED_INTERVAL_MS: '1000',
  WEBHOOKS_SCHEDULER_CHECK_MS: '500',
};

async function until(probe: () => Promise<boolean>, timeoutMs: number, what: string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await probe())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

function verifySignatures(requests: ReceivedRequest[], secret: string): void {
  for (const request of requests) {
    const headers = {
      'webhook-id': String(request.headers['webhook-id']),
      'webhook-timestamp': String(request.headers['webhook-timestamp']),
      'webhook-signature': String(request.headers['webhook-signature']),
    };
    expect(new Webhook(secret).verify(request.body, headers)).toMatchObject({ id: headers['webhook-id'], type: 'subscription.updated' });
  }
}

describe('webhook deliveries survive dead workers and a Redis that lost everything', () => {
  let db: TestDatabase;
  let store: PostgresEventStore;
  const receivers: LoopbackReceiver[] = [];
  const prefix = `test-crash-${process.pid}-${randomBytes(4).toString('hex')}`;
  const children: ChildProcess[] = [];

  beforeAll(async () => {
    db = await createTestDatabase();
    store = new PostgresEventStore(db.pool);
  });
  afterAll(async () => {
    for (const child of children) if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    for (const receiver of receivers) await receiver.close();
    await db?.drop();
    const redis = createRedisConnection({ redisUrl: REDIS_URL });
    await deleteKeysWithPrefix(redis, prefix).finally(() => redis.quit());
  });

  /** A webhook of a fresh tenant to a fresh (slow) receiver, and `MESSAGES` events it wants, in the outbox. */
  async function outbox() {
    const tenant = randomUUID();
    const actor = { userId: 'u', tenantId: tenant, roles: ['global-admin'] };
    const receiver = await new LoopbackReceiver().start();
    receivers.push(receiver);
    // Slow answers keep many deliveries in flight.
    receiver.respond = () => new Promise((resolve) => setTimeout(() => resolve(200), 150));
    const webhookId = randomUUID();
    const secret = generateWebhookSecret();
    const secretId = randomUUID();
    await db.db.insertInto('webhook_secrets').values({ secret_id: secretId, webhook_id: webhookId, secret }).execute();
    const context = { actor, correlationId: 'c', causationId: 'c', now: new Date() };
    await handleCommand(
      store,
      webhookDecider,
      webhookStream(webhookId),
      { type: 'RegisterWebhook', webhookId, partnerTenantId: tenant, url: receiver.url(), eventTypes: ['subscription.updated'], description: '', secretId, now: context.now.toISOString() },
      context,
    );
    for (let i = 0; i < MESSAGES; i++) {
      const eventId = randomUUID();
      await store.appendToStream(`subscription-${randomUUID()}`, 'any', [
        {
          eventId,
          type: 'SubscriptionFriendlyNameChanged',
          data: { subscriptionId: `s${i}`, customerId: 'c1', partnerTenantId: tenant, friendlyName: `n${i}` },
          metadata: { eventId, correlationId: 'c', causationId: 'c', actor, occurredAt: new Date().toISOString() },
        },
      ]);
    }
    const runner = new ProjectionRunner(store, db, [new WebhooksProjection()]);
    await runner.catchUp('webhooks_v1');
    await runner.stop();
    const expected = new Set(
      (await db.db.selectFrom('webhook_deliveries').select(sql<string>`message_id::text`.as('id')).where('webhook_id', '=', webhookId).execute()).map((row) => row.id),
    );
    expect(expected.size).toBe(MESSAGES);
    const count = async (condition: ReturnType<typeof sql>) =>
      Number(
        (
          await sql<{ n: string }>`
            select count(*) as n from webhook_delivery_status s join webhook_deliveries d on d.delivery_id = s.delivery_id
            where d.webhook_id = ${webhookId} and ${condition}`.execute(db.db)
        ).rows[0].n,
      );
    return {
      receiver,
      secret,
      expected,
      delivered: () => count(sql`s.status = 'delivered'`),
      inFlight: () => count(sql`s.status = 'pending' and s.in_flight_until is not null`),
    };
  }

  /** A real child process that only sends webhooks; SIGKILL ends it with no chance to clean up. */
  function startWorker(): Promise<ChildProcess> {
    const child = spawn(process.execPath, ['-r', 'ts-node/register', join(__dirname, '../testing/delivery-worker.main.ts')], {
      env: { ...process.env, TS_NODE_SWC: 'true', TS_NODE_TRANSPILE_ONLY: 'true', DATABASE_URL: db.url, REDIS_URL, REDIS_PREFIX: prefix, ...FAST },
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    children.push(child);
    return whenReady(child);
  }

  it('R-HOOK-1: a worker killed with SIGKILL during deliveries loses none: after a restart every delivery completes', async () => {
    const { receiver, secret, expected, delivered, inFlight } = await outbox();
    // After the first 40 requests the receiver holds its answers, so attempts are surely under way
    // when the worker dies (not between two batches); the held ones are dropped after the kill.
    let arrivals = 0;
    let dropHeld = (): void => undefined;
    const held = new Promise<number>((resolve) => (dropHeld = () => resolve(0)));
    const answer = receiver.respond;
    receiver.respond = (request) => (++arrivals <= 40 ? answer(request) : held);
    const first = await startWorker();
    await until(async () => arrivals > 40, 20_000, 'the first deliveries and one held');
    first.kill('SIGKILL');
    await new Promise((resolve) => first.once('exit', resolve));
    dropHeld();
    receiver.respond = answer;
    expect(await delivered()).toBeLessThan(MESSAGES);
    // Attempts were under way when it died: their rows stay claimed until the hold runs out.
    expect(await inFlight()).toBeGreaterThan(0);

    const second = await startWorker();
    await until(async () => (await delivered()) === MESSAGES, 30_000, 'every delivery');
    second.kill('SIGTERM');
    await new Promise((resolve) => second.once('exit', resolve));
    expect(new Set(receiver.acceptedById().keys())).toEqual(expected);
    verifySignatures(receiver.requests, secret);
  });

  it('R-HOOK-1: Redis losing every key during deliveries loses none: the sweep rebuilds the work from PostgreSQL', async () => {
    const { receiver, secret, expected, delivered } = await outbox();
    const fast = Object.fromEntries(Object.entries(FAST).map(([key, value]) => [key, Number(value)]));
    const dispatcher = new WebhookDispatcher(db, store, new SystemClock(), { redisUrl: REDIS_URL, prefix }, {
      concurrency: fast.WEBHOOKS_CONCURRENCY,
      jobBatchSize: fast.WEBHOOKS_JOB_BATCH_SIZE,
      timeoutMs: fast.WEBHOOKS_TIMEOUT_MS,
      inFlightMarginMs: fast.WEBHOOKS_IN_FLIGHT_MARGIN_MS,
      sweepEveryMs: fast.WEBHOOKS_SWEEP_EVERY_MS,
      enqueueLeaseMs: fast.WEBHOOKS_ENQUEUE_LEASE_MS,
      stalledIntervalMs: fast.WEBHOOKS_STALLED_INTERVAL_MS,
      schedulerCheckMs: fast.WEBHOOKS_SCHEDULER_CHECK_MS,
      // An attempt that fails while Redis is wiped (or times out on a loaded machine) retries soon.
      retry: { ...DEFAULT_DISPATCHER_SETTINGS.retry, baseMs: fast.WEBHOOKS_RETRY_BASE_MS },
      env: 'test',
    });
    try {
      await dispatcher.startWorkers();
      await until(async () => receiver.requests.length >= 30, 20_000, 'the first deliveries');
      const redis = createRedisConnection({ redisUrl: REDIS_URL });
      const deleted = await deleteKeysWithPrefix(redis, prefix).finally(() => redis.quit());
      expect(deleted).toBeGreaterThan(0);
      expect(await delivered()).toBeLessThan(MESSAGES);
      await until(async () => (await delivered()) === MESSAGES, 30_000, 'every delivery');
    } finally {
      await dispatcher.stop();
    }
    expect(new Set(receiver.acceptedById().keys())).toEqual(expected);
    verifySignatures(receiver.requests, secret);
  });
});
