import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes, randomUUID } from 'node:crypto';
import { join } from 'node:path';
import { sql } from 'kysely';
import { Webhook } from 'standardwebhooks';
import { PostgresEventStore } from '../../../event-store/src/postgres/postgres-event-store';
import { handleCommand } from '../../../event-store/src/handle-command';
import { ProjectionRunner } from '../../../event-store/src/projections/projection-runner';
import { createRedisConnection, deleteKeysWithPrefix } from '../../../jobs/src/connection';
import { createTestDatabase, type TestDatabase } from '../../../persistence/src/testing/test-database';
import { webhookDecider, webhookStream } from '../domain/webhook.decider';
import { WebhooksProjection } from '../read-models/webhooks.projection';
import { generateWebhookSecret } from './signature';
import { LoopbackReceiver } from '../testing/loopback-receiver';

const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
const MESSAGES = 150;
const TENANT = randomUUID();
const ACTOR = { userId: 'u', tenantId: TENANT, roles: ['global-admin'] };

/** A real child process that only sends webhooks; SIGKILL ends it with no chance to clean up. */
function startWorker(db: TestDatabase, prefix: string): Promise<ChildProcess> {
  const child = spawn(process.execPath, ['-r', 'ts-node/register', join(__dirname, '../testing/delivery-worker.main.ts')], {
    env: {
      ...process.env,
      TS_NODE_SWC: 'true',
      TS_NODE_TRANSPILE_ONLY: 'true',
      DATABASE_URL: db.url,
      REDIS_URL,
      REDIS_PREFIX: prefix,
      WEBHOOKS_CONCURRENCY: '25',
      WEBHOOKS_TIMEOUT_MS: '2000',
      WEBHOOKS_IN_FLIGHT_MARGIN_MS: '500',
      WEBHOOKS_RETRY_BASE_MS: '100',
      WEBHOOKS_SWEEP_EVERY_MS: '100',
      WEBHOOKS_ENQUEUE_LEASE_MS: '2000',
      WEBHOOKS_STALLED_INTERVAL_MS: '1000',
    },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  return new Promise((resolve, reject) => {
    child.once('error', reject);
    child.once('exit', (code) => reject(new Error(`worker exited early with ${code}`)));
    child.stdout?.on('data', (chunk: Buffer) => {
      if (chunk.toString().includes('ready')) {
        child.removeAllListeners('exit');
        resolve(child);
      }
    });
  });
}

async function until(probe: () => Promise<boolean>, timeoutMs: number, what: string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await probe())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

describe('webhook deliveries survive a killed worker', () => {
  let db: TestDatabase;
  let store: PostgresEventStore;
  let receiver: LoopbackReceiver;
  const prefix = `test-crash-${process.pid}-${randomBytes(4).toString('hex')}`;
  const children: ChildProcess[] = [];

  beforeAll(async () => {
    db = await createTestDatabase();
    store = new PostgresEventStore(db.pool);
    receiver = await new LoopbackReceiver().start();
  });
  afterAll(async () => {
    for (const child of children) if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    await receiver?.close();
    await db?.drop();
    const redis = createRedisConnection({ redisUrl: REDIS_URL });
    await deleteKeysWithPrefix(redis, prefix).finally(() => redis.quit());
  });

  it('R-HOOK-1: a worker killed with SIGKILL during deliveries loses none: after a restart every delivery completes', async () => {
    const webhookId = randomUUID();
    const secret = generateWebhookSecret();
    const secretId = randomUUID();
    await db.db.insertInto('webhook_secrets').values({ secret_id: secretId, webhook_id: webhookId, secret }).execute();
    const context = { actor: ACTOR, correlationId: 'c', causationId: 'c', now: new Date() };
    await handleCommand(
      store,
      webhookDecider,
      webhookStream(webhookId),
      { type: 'RegisterWebhook', webhookId, partnerTenantId: TENANT, url: receiver.url(), eventTypes: ['subscription.updated'], description: '', secretId, now: context.now.toISOString() },
      context,
    );
    for (let i = 0; i < MESSAGES; i++) {
      const eventId = randomUUID();
      await store.appendToStream(`subscription-${randomUUID()}`, 'any', [
        {
          eventId,
          type: 'SubscriptionFriendlyNameChanged',
          data: { subscriptionId: `s${i}`, customerId: 'c1', partnerTenantId: TENANT, friendlyName: `n${i}` },
          metadata: { eventId, correlationId: 'c', causationId: 'c', actor: ACTOR, occurredAt: new Date().toISOString() },
        },
      ]);
    }
    const runner = new ProjectionRunner(store, db, [new WebhooksProjection()]);
    await runner.catchUp('webhooks_v1');
    await runner.stop();
    const expected = new Set(
      (await db.db.selectFrom('webhook_deliveries').select(sql<string>`message_id::text`.as('id')).execute()).map((row) => row.id),
    );
    expect(expected.size).toBe(MESSAGES);

    // Slow answers keep many deliveries in flight when the worker dies.
    receiver.respond = () => new Promise((resolve) => setTimeout(() => resolve(200), 150));
    const first = await startWorker(db, prefix);
    children.push(first);
    await until(async () => receiver.requests.length >= 40, 20_000, 'the first deliveries');
    first.kill('SIGKILL');
    await new Promise((resolve) => first.once('exit', resolve));
    const delivered = async () =>
      Number(
        (await sql<{ n: string }>`select count(*) as n from webhook_delivery_status where status = 'delivered'`.execute(db.db)).rows[0].n,
      );
    const deliveredAtKill = await delivered();
    expect(deliveredAtKill).toBeLessThan(MESSAGES);

    const second = await startWorker(db, prefix);
    children.push(second);
    await until(async () => (await delivered()) === MESSAGES, 30_000, 'every delivery');
    second.kill('SIGTERM');

    const accepted = receiver.acceptedById();
    expect(new Set(accepted.keys())).toEqual(expected);
    for (const request of receiver.requests) {
      const headers = {
        'webhook-id': String(request.headers['webhook-id']),
        'webhook-timestamp': String(request.headers['webhook-timestamp']),
        'webhook-signature': String(request.headers['webhook-signature']),
      };
      expect(new Webhook(secret).verify(request.body, headers)).toMatchObject({ id: headers['webhook-id'], type: 'subscription.updated' });
    }
    const failed = await sql<{ n: string }>`select count(*) as n from webhook_delivery_status where status <> 'delivered'`.execute(db.db);
    expect(failed.rows[0].n).toBe('0');
  });
});
