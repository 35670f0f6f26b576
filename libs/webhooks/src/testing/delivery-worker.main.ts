import 'reflect-metadata';
import { SystemClock } from '../../../clock/src';
import { PostgresEventStore } from '../../../event-store/src/postgres/postgres-event-store';
import { announceReady } from '../../../jobs/src/worker-ready';
import { openDatabase } from '../../../persistence/src/database';
import { WebhookDispatcher } from '../delivery/webhook-dispatcher';
import { webhookSettingsFromEnv } from '../webhook-settings';

/**
 * A process that only sends webhooks (DATABASE_URL, REDIS_URL, REDIS_PREFIX, WEBHOOKS_*): the
 * fault tests kill it with SIGKILL in the middle of deliveries and start another one.
 */
async function main(): Promise<void> {
  const env = process.env;
  const database = openDatabase(env.DATABASE_URL as string, 8);
  const store = new PostgresEventStore(database.pool);
  const dispatcher = new WebhookDispatcher(
    database,
    store,
    new SystemClock(),
    { redisUrl: env.REDIS_URL ?? 'redis://127.0.0.1:6379', prefix: env.REDIS_PREFIX as string },
    webhookSettingsFromEnv(env, 'test'),
  );
  await dispatcher.startWorkers();
  announceReady();
  const stop = async () => {
    await dispatcher.stop();
    await database.close();
    process.exit(0);
  };
  process.on('SIGTERM', () => void stop());
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
