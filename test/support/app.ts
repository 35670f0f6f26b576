import 'reflect-metadata';
import { randomBytes } from 'node:crypto';
import type { ModuleMetadata } from '@nestjs/common';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import type { DestinationStream } from 'pino';
import type { Role } from '../../libs/auth/src/auth.types';
import { signDevToken } from '../../libs/auth/src/sign-token';
import { ControllableClock } from '../../libs/clock/src';
import { DEV_JWT_SECRET } from '../../libs/config/src/app-config';
import { createRedisConnection, deleteKeysWithPrefix } from '../../libs/jobs/src/connection';
import { createTestDatabase, type TestDatabase } from '../../libs/persistence/src/testing/test-database';
import { createApp, type RunningApp } from '../../apps/api/src/bootstrap';

export interface TestAppOptions {
  /** Extra modules (test-only controllers). */
  imports?: ModuleMetadata['imports'];
  /** Environment on top of the test defaults (APP_ENV=test, fresh database, unique Redis prefix). */
  env?: Record<string, string>;
  /** Collects JSON log lines instead of printing them. */
  logDestination?: DestinationStream;
}

export interface TestApp {
  running: RunningApp;
  http: NestFastifyApplication;
  db: TestDatabase;
  clock: ControllableClock;
  /** BullMQ key prefix unique to this app. */
  redisPrefix: string;
  /** A valid bearer token for the app (development secret). */
  tokenFor(claims: { tenantId: string; roles: Role[]; userId?: string }): Promise<string>;
  /** `Authorization` header value for the claims. */
  authFor(claims: { tenantId: string; roles: Role[]; userId?: string }): Promise<{ authorization: string }>;
  close(): Promise<void>;
}

/**
 * The whole app on a fresh database, a unique Redis prefix and a test clock, driven through
 * Fastify's `inject` (no port). Call `close()` in afterAll.
 */
export async function startTestApp(options: TestAppOptions = {}): Promise<TestApp> {
  const db = await createTestDatabase();
  const redisPrefix = `test-${process.pid}-${randomBytes(4).toString('hex')}`;
  const clock = new ControllableClock(new Date('2025-01-15T09:00:00.000Z'));
  let running: RunningApp;
  try {
    running = await createApp({
      env: {
        APP_ENV: 'test',
        DATABASE_URL: db.url,
        REDIS_URL: process.env.REDIS_URL ?? 'redis://127.0.0.1:6379',
        REDIS_PREFIX: redisPrefix,
        EVENT_STORE_DRIVER: 'postgres',
        PROCESS_ROLES: 'api,worker',
        LOG_LEVEL: process.env.TEST_LOG_LEVEL ?? 'silent',
        ...options.env,
      },
      database: db,
      clock,
      imports: options.imports,
      logDestination: options.logDestination,
    });
  } catch (error) {
    await db.drop();
    throw error;
  }
  if (!running.http) {
    await running.close();
    await db.drop();
    throw new Error('the test app needs the api role');
  }
  const http = running.http;
  await http.getHttpAdapter().getInstance().ready();

  const tokenFor: TestApp['tokenFor'] = (claims) =>
    signDevToken({ secret: DEV_JWT_SECRET, tenantId: claims.tenantId, roles: claims.roles, userId: claims.userId ?? 'test-user' });

  return {
    running,
    http,
    db,
    clock,
    redisPrefix,
    tokenFor,
    authFor: async (claims) => ({ authorization: `Bearer ${await tokenFor(claims)}` }),
    close: async () => {
      try {
        await running.close();
      } finally {
        await db.drop();
        const redis = createRedisConnection({ redisUrl: running.config.redis.url });
        await deleteKeysWithPrefix(redis, redisPrefix).finally(() => redis.quit());
      }
    },
  };
}
