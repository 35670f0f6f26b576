import IORedis, { type Redis } from 'ioredis';

export const DEFAULT_REDIS_URL = 'redis://127.0.0.1:6379';
export const DEFAULT_QUEUE_PREFIX = 'csp';

export interface JobsOptions {
  /** `redis://[user:pass@]host:port[/db]`. */
  redisUrl: string;
  /** BullMQ key prefix; tests use a unique one so files never see each other's jobs. */
  prefix: string;
}

/** Injection token for JobsOptions. */
export const JOBS_OPTIONS = Symbol('JOBS_OPTIONS');

export function jobsOptionsFromEnv(env: NodeJS.ProcessEnv = process.env, overrides: Partial<JobsOptions> = {}): JobsOptions {
  return {
    redisUrl: overrides.redisUrl ?? env.REDIS_URL ?? DEFAULT_REDIS_URL,
    prefix: overrides.prefix ?? env.REDIS_PREFIX ?? DEFAULT_QUEUE_PREFIX,
  };
}

/**
 * A Redis connection fit for BullMQ: workers block on Redis, so ioredis must never give up on a
 * command (`maxRetriesPerRequest: null`), and queues should not wait for a ready check.
 */
export function createRedisConnection(options: Pick<JobsOptions, 'redisUrl'>, name?: string): Redis {
  const connection = new IORedis(options.redisUrl, {
    maxRetriesPerRequest: null,
    enableReadyCheck: false,
    connectionName: name,
  });
  // Reconnects are automatic; an unhandled 'error' event would crash the process.
  connection.on('error', () => undefined);
  return connection;
}

/** Deletes every key under a BullMQ prefix (tests, and the Redis-loss drill). */
export async function deleteKeysWithPrefix(connection: Redis, prefix: string): Promise<number> {
  let cursor = '0';
  let deleted = 0;
  do {
    const [next, keys] = await connection.scan(cursor, 'MATCH', `${prefix}:*`, 'COUNT', 500);
    cursor = next;
    if (keys.length > 0) deleted += await connection.del(...keys);
  } while (cursor !== '0');
  return deleted;
}
