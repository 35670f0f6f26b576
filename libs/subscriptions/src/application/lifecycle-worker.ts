import 'reflect-metadata';
import { Logger } from '@nestjs/common';
import { ControllableClock, SystemClock, type Clock } from '../../../clock/src';
import { PostgresEventStore } from '../../../event-store/src/postgres/postgres-event-store';
import { ProjectionRunner } from '../../../event-store/src/projections/projection-runner';
import { announceReady } from '../../../jobs/src/worker-ready';
import { openDatabase, type DatabaseHandle } from '../../../persistence/src/database';
import { DueTimersProjection } from '../../../timers/src/due-timers.projection';
import { TimerService } from '../../../timers/src/timer-service';
import { SubscriptionDeleteProcessor, SubscriptionDisableProcessor, SubscriptionTermEndProcessor } from './lifecycle.processors';
import { subscriptionLifecycleTimerRule } from './lifecycle.timers';

/**
 * A process that runs only the term-end lifecycle: the sweep scheduler, the timer worker with the
 * lifecycle processors and (optionally) the due-timers projection. The fault tests kill it with
 * SIGKILL mid-sweep and start another one; the lifecycle bench measures it.
 */
export interface LifecycleWorkerSettings {
  databaseUrl: string;
  redisUrl: string;
  /** BullMQ key prefix. */
  prefix: string;
  /** Business time, fixed (ISO instant); the system clock when absent. */
  clockAt?: string;
  /** Timer jobs run at once. */
  concurrency: number;
  /** Due rows per timer job at most. */
  jobRows: number;
  sweepEveryMs: number;
  sweepBatchSize: number;
  poolSize: number;
  /** Also run the due_timers_v1 projection here. */
  projections: boolean;
}

export function lifecycleWorkerSettingsFromEnv(env: NodeJS.ProcessEnv = process.env): LifecycleWorkerSettings {
  const number = (name: string, fallback: number) => {
    const value = Number(env[name] ?? fallback);
    if (!Number.isFinite(value) || value <= 0) throw new Error(`${name} must be a positive number`);
    return value;
  };
  if (!env.DATABASE_URL) throw new Error('DATABASE_URL is required');
  if (!env.REDIS_PREFIX) throw new Error('REDIS_PREFIX is required');
  return {
    databaseUrl: env.DATABASE_URL,
    redisUrl: env.REDIS_URL ?? 'redis://127.0.0.1:6379',
    prefix: env.REDIS_PREFIX,
    ...(env.LIFECYCLE_CLOCK_AT ? { clockAt: env.LIFECYCLE_CLOCK_AT } : {}),
    concurrency: number('LIFECYCLE_CONCURRENCY', 5),
    jobRows: number('LIFECYCLE_JOB_ROWS', 50),
    sweepEveryMs: number('LIFECYCLE_SWEEP_EVERY_MS', 1000),
    sweepBatchSize: number('LIFECYCLE_SWEEP_BATCH_SIZE', 1000),
    poolSize: number('LIFECYCLE_POOL_SIZE', 10),
    projections: env.LIFECYCLE_PROJECTIONS === 'true',
  };
}

export interface RunningLifecycleWorker {
  timers: TimerService;
  clock: Clock;
  /** Graceful: running jobs finish, then everything closes. */
  stop(): Promise<void>;
}

export async function startLifecycleWorker(settings: LifecycleWorkerSettings): Promise<RunningLifecycleWorker> {
  const database: DatabaseHandle = openDatabase(settings.databaseUrl, settings.poolSize);
  const store = new PostgresEventStore(database.pool);
  const clock: Clock = settings.clockAt ? new ControllableClock(new Date(settings.clockAt)) : new SystemClock();
  const rules = [subscriptionLifecycleTimerRule];
  const processors = [new SubscriptionTermEndProcessor(store, clock), new SubscriptionDisableProcessor(store, clock), new SubscriptionDeleteProcessor(store, clock)];
  const timers = new TimerService(database, clock, { redisUrl: settings.redisUrl, prefix: settings.prefix }, rules, processors, {
    concurrency: settings.concurrency,
    jobRows: settings.jobRows,
    sweepEveryMs: settings.sweepEveryMs,
    sweepBatchSize: settings.sweepBatchSize,
    backoffMs: 200,
  });
  const runner = settings.projections ? new ProjectionRunner(store, database, [new DueTimersProjection(rules)], { pollIntervalMs: 50 }) : null;
  runner?.start();
  await timers.startWorkers();
  return {
    timers,
    clock,
    stop: async () => {
      await timers.stop();
      await runner?.stop();
      await database.close();
    },
  };
}

/** The process entry: `ready` on stdout once it works; SIGTERM closes it gracefully. */
export async function runLifecycleWorkerProcess(env: NodeJS.ProcessEnv = process.env): Promise<void> {
  const logger = new Logger('LifecycleWorker');
  try {
    const worker = await startLifecycleWorker(lifecycleWorkerSettingsFromEnv(env));
    announceReady();
    process.once('SIGTERM', () => {
      worker.stop().then(
        () => process.exit(0),
        (error: Error) => {
          logger.error(`stop failed: ${error.message}`);
          process.exit(1);
        },
      );
    });
  } catch (error) {
    logger.error(`start-up failed: ${(error as Error).message}`);
    process.exit(1);
  }
}
