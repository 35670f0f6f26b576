import { randomBytes, randomUUID } from 'node:crypto';
import { sql } from 'kysely';
import { foldAsOf } from '../libs/audit/src/as-of';
import { SystemClock } from '../libs/clock/src';
import { handleCommand } from '../libs/event-store/src/handle-command';
import { PostgresEventStore } from '../libs/event-store/src/postgres/postgres-event-store';
import { ProjectionRunner } from '../libs/event-store/src/projections/projection-runner';
import { createRedisConnection, deleteKeysWithPrefix } from '../libs/jobs/src/connection';
import { subscriptionViewAt } from '../libs/subscriptions/src/application/views';
import { subscriptionDecider } from '../libs/subscriptions/src/domain/subscription.decider';
import { purchased, PURCHASED_AT, SUBSCRIPTION } from '../libs/subscriptions/src/testing/fixtures';
import { generateWebhookSecret } from '../libs/webhooks/src/delivery/signature';
import { WebhookDispatcher } from '../libs/webhooks/src/delivery/webhook-dispatcher';
import { webhookDecider, webhookStream } from '../libs/webhooks/src/domain/webhook.decider';
import { WebhooksProjection } from '../libs/webhooks/src/read-models/webhooks.projection';
import { spawn } from 'node:child_process';
import type { BenchModule } from './support';

const DELIVERIES = Number(process.env.BENCH_WEBHOOK_DELIVERIES ?? 10_000);
const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
const TENANT = '5e5e5e5e-0000-4000-8000-000000000001';
const ACTOR = { userId: 'bench', tenantId: TENANT, roles: ['global-admin'] };

/**
 * Signed deliveries per second to a loopback receiver, through the whole path: sweep into BullMQ,
 * claim the row, sign, POST, record the outcome. The outbox rows are made beforehand by the
 * projection (not timed). Goal: at least 1,000 deliveries per second.
 */
export const webhookDeliveriesBench: BenchModule = {
  name: 'webhook deliveries',
  async run(context) {
    const database = await context.scratchDatabase({ poolSize: 20 });
    const store = new PostgresEventStore(database.pool);
    const receiver = await startReceiverProcess();
    const prefix = `bench-webhooks-${process.pid}-${randomBytes(4).toString('hex')}`;
    const webhookId = randomUUID();
    const secretId = randomUUID();
    await database.db.insertInto('webhook_secrets').values({ secret_id: secretId, webhook_id: webhookId, secret: generateWebhookSecret() }).execute();
    const now = new Date();
    await handleCommand(
      store,
      webhookDecider,
      webhookStream(webhookId),
      { type: 'RegisterWebhook', webhookId, partnerTenantId: TENANT, url: receiver.url(), eventTypes: ['subscription.updated'], description: 'bench', secretId, now: now.toISOString() },
      { actor: ACTOR, correlationId: 'bench', causationId: 'bench', now },
    );
    await sql`
      insert into events (event_id, stream_name, stream_version, type, data, metadata)
      select gen_random_uuid(), 'subscription-bench-' || i, 0, 'SubscriptionFriendlyNameChanged',
             jsonb_build_object('subscriptionId', 'bench-' || i, 'customerId', 'customer-bench', 'partnerTenantId', ${TENANT}::text, 'friendlyName', 'name ' || i),
             jsonb_build_object('eventId', gen_random_uuid()::text, 'correlationId', 'bench', 'causationId', 'bench',
                                'actor', jsonb_build_object('userId', 'bench', 'tenantId', ${TENANT}::text, 'roles', jsonb_build_array('global-admin')),
                                'occurredAt', ${now.toISOString()}::text)
      from generate_series(1, ${DELIVERIES}) as i
    `.execute(database.db);
    const runner = new ProjectionRunner(store, database, [new WebhooksProjection()], { batchSize: 2000 });
    await runner.catchUp('webhooks_v1');
    await runner.stop();

    const dispatcher = new WebhookDispatcher(database, store, new SystemClock(), { redisUrl: REDIS_URL, prefix }, {
      sweepEveryMs: 50,
      sweepBatchSize: 2000,
      env: 'test',
    });
    const delivered = async () =>
      Number((await sql<{ n: string }>`select count(*) as n from webhook_delivery_status where status = 'delivered'`.execute(database.db)).rows[0].n);
    try {
      const started = process.hrtime.bigint();
      await dispatcher.startWorkers();
      while ((await delivered()) < DELIVERIES) await new Promise((resolve) => setTimeout(resolve, 20));
      const seconds = Number(process.hrtime.bigint() - started) / 1e9;
      const received = await receiver.count();
      if (received < DELIVERIES) throw new Error(`the receiver saw ${received} of ${DELIVERIES} messages`);
      return [{ label: 'signed deliveries to a loopback receiver', operations: DELIVERIES, seconds, unit: 'deliveries', goalPerSecond: 1000 }];
    } finally {
      await dispatcher.stop();
      await receiver.close();
      const redis = createRedisConnection({ redisUrl: REDIS_URL });
      await deleteKeysWithPrefix(redis, prefix).finally(() => redis.quit());
    }
  },
};

const STREAM_EVENTS = 1000;
const READS = 300;

/**
 * `?asOf=` reads of a subscription with 1,000 events: read the stream, fold the prefix up to the
 * instant, build the API view. Goal: p50 under 20 ms (reported as reads per second of the p50
 * latency, goal 50/s, and the p95).
 */
export const asOfReadBench: BenchModule = {
  name: 'as-of read',
  async run(context) {
    const database = await context.scratchDatabase({ poolSize: 4 });
    const store = new PostgresEventStore(database.pool);
    const stream = `subscription-${SUBSCRIPTION}`;
    const purchase = purchased();
    const ref = purchase.data as { subscriptionId: string; customerId: string; partnerTenantId: string };
    const start = Date.parse(PURCHASED_AT);
    const events = Array.from({ length: STREAM_EVENTS }, (_, index) => {
      const eventId = randomUUID();
      return {
        eventId,
        type: index === 0 ? purchase.type : 'SubscriptionFriendlyNameChanged',
        data: index === 0 ? purchase.data : { subscriptionId: ref.subscriptionId, customerId: ref.customerId, partnerTenantId: ref.partnerTenantId, friendlyName: `name ${index}` },
        metadata: { eventId, correlationId: 'bench', causationId: 'bench', actor: ACTOR, occurredAt: new Date(start + index * 60_000).toISOString() },
      };
    });
    for (let from = 0; from < events.length; from += 100) await store.appendToStream(stream, from - 1, events.slice(from, from + 100));
    const latencies: number[] = [];
    for (let read = -20; read < READS; read++) {
      const instant = new Date(start + ((read + 20) % STREAM_EVENTS) * 60_000 + 30_000);
      const began = process.hrtime.bigint();
      const { state, version } = await foldAsOf(store, subscriptionDecider, stream, instant);
      if (!state.exists) throw new Error('the subscription should exist');
      subscriptionViewAt(state, version, instant.toISOString());
      if (read >= 0) latencies.push(Number(process.hrtime.bigint() - began) / 1e9);
    }
    latencies.sort((a, b) => a - b);
    const p50 = latencies[Math.floor(latencies.length * 0.5)];
    const p95 = latencies[Math.floor(latencies.length * 0.95)];
    return [
      { label: `as-of read of a ${STREAM_EVENTS}-event subscription, p50 (${(p50 * 1000).toFixed(1)} ms)`, operations: 1, seconds: p50, unit: 'read', goalPerSecond: 50 },
      { label: `as-of read of a ${STREAM_EVENTS}-event subscription, p95 (${(p95 * 1000).toFixed(1)} ms)`, operations: 1, seconds: p95, unit: 'read' },
    ];
  },
};

// The receiver runs in its own process, as a consumer would: the figure is the sender's.
const RECEIVER = `
  const ids = new Set();
  const server = require('node:http').createServer((req, res) => {
    if (req.method === 'GET') { res.end(String(ids.size)); return; }
    ids.add(req.headers['webhook-id']);
    req.resume();
    req.on('end', () => { res.writeHead(204); res.end(); });
  });
  server.keepAliveTimeout = 30000;
  server.listen(0, '127.0.0.1', () => process.stdout.write(server.address().port + '\\n'));
`;

async function startReceiverProcess(): Promise<{ url(): string; count(): Promise<number>; close(): Promise<void> }> {
  const child = spawn(process.execPath, ['-e', RECEIVER], { stdio: ['ignore', 'pipe', 'inherit'] });
  const port = await new Promise<number>((resolve, reject) => {
    child.once('error', reject);
    child.stdout.once('data', (chunk: Buffer) => resolve(Number(chunk.toString().trim())));
  });
  return {
    url: () => `http://127.0.0.1:${port}/hook`,
    count: async () => Number(await (await fetch(`http://127.0.0.1:${port}/count`)).text()),
    close: async () => {
      child.kill('SIGTERM');
      await new Promise((resolve) => child.once('exit', resolve));
    },
  };
}
