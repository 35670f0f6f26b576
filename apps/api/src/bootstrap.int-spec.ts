import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { promisify } from 'node:util';
import { exportJWK, generateKeyPair, SignJWT, type KeyLike } from 'jose';
import { Client } from 'pg';
import { ConfigError } from '../../../libs/config/src/load-config';
import { createRedisConnection, deleteKeysWithPrefix } from '../../../libs/jobs/src/connection';
import { createTestDatabase } from '../../../libs/persistence/src/testing/test-database';
import { createApp } from './bootstrap';
import { ProbeModule } from './testing/probe.controller';

// Starting whole apps (and a child process) takes seconds on a busy machine.
jest.setTimeout(60_000);

const ADMIN_URL = process.env.TEST_DATABASE_ADMIN_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const uniquePrefix = () => `test-boot-${process.pid}-${randomBytes(4).toString('hex')}`;

async function dropDatabase(name: string): Promise<void> {
  const admin = new Client({ connectionString: ADMIN_URL });
  await admin.connect();
  await admin.query(`drop database if exists "${name}" with (force)`);
  await admin.end();
}

async function clearRedis(prefix: string): Promise<void> {
  const redis = createRedisConnection({ redisUrl: 'redis://127.0.0.1:6379' });
  await deleteKeysWithPrefix(redis, prefix).finally(() => redis.quit());
}

describe('createApp: configuration and start-up', () => {
  it('refuses to start with one error listing every bad variable, before touching anything', async () => {
    const attempt = createApp({
      env: { APP_ENV: 'prod', PORT: '-1', EVENT_STORE_DRIVER: 'esdb', LOG_LEVEL: 'chatty', DATABASE_URL: 'postgres://nobody@127.0.0.1:1/never_created' },
    });
    await expect(attempt).rejects.toBeInstanceOf(ConfigError);
    const error = (await attempt.catch((e: unknown) => e)) as ConfigError;
    expect(error.problems.map((p) => p.key).sort()).toEqual(['APP_ENV', 'EVENTSTORE_CONNECTION_STRING', 'LOG_LEVEL', 'PORT']);
    expect(error.message).toMatch(/^Invalid configuration \(4 problems\):/);
  });

  it('main prints the configuration problems and exits 1', async () => {
    const run = promisify(execFile)(process.execPath, ['-r', 'ts-node/register/transpile-only', 'apps/main.ts'], {
      cwd: `${__dirname}/../../..`,
      env: { ...process.env, APP_ENV: 'production', AUTH_JWT_SECRET: '', AUTH_JWKS_URL: '', EVENT_STORE_DRIVER: 'esdb', EVENTSTORE_CONNECTION_STRING: '' },
      timeout: 30_000,
    });
    const failure = (await run.then(
      () => null,
      (e: unknown) => e,
    )) as { code: number; stderr: string } | null;
    expect(failure).not.toBeNull();
    expect(failure!.code).toBe(1);
    expect(failure!.stderr).toContain('Invalid configuration (2 problems)');
    expect(failure!.stderr).toContain('- EVENTSTORE_CONNECTION_STRING: is required when EVENT_STORE_DRIVER=esdb');
    expect(failure!.stderr).toContain('- AUTH_JWT_SECRET: set AUTH_JWT_SECRET or AUTH_JWKS_URL when APP_ENV=production');
  });

  it('creates a missing database and migrates it before the modules start', async () => {
    const name = `csp_boot_${process.pid}_${randomBytes(4).toString('hex')}`;
    const prefix = uniquePrefix();
    const url = new URL(ADMIN_URL);
    url.pathname = `/${name}`;
    try {
      const running = await createApp({
        env: { APP_ENV: 'test', DATABASE_URL: url.toString(), REDIS_PREFIX: prefix, LOG_LEVEL: 'silent', PROCESS_ROLES: 'api' },
      });
      try {
        const tables = await running.database.db
          .selectFrom('kysely_migration' as never)
          .select('name' as never)
          .execute();
        expect((tables as Array<{ name: string }>).map((t) => t.name)).toContain('0004_idempotency_keys');
        expect(running.http).not.toBeNull();
        const health = await running.http!.inject({ method: 'GET', url: '/health' });
        expect(health.statusCode).toBe(200);
      } finally {
        await running.close();
      }
      // The app closed the pool it opened.
      expect(running.database.pool.ending).toBe(true);
    } finally {
      await dropDatabase(name);
      await clearRedis(prefix);
    }
  });

  it('a worker-only process starts no HTTP server', async () => {
    const db = await createTestDatabase();
    const prefix = uniquePrefix();
    try {
      const running = await createApp({
        env: { APP_ENV: 'test', DATABASE_URL: db.url, REDIS_PREFIX: prefix, LOG_LEVEL: 'silent', PROCESS_ROLES: 'worker' },
        database: db,
      });
      expect(running.http).toBeNull();
      expect(running.config.roles).toEqual({ api: false, worker: true });
      await running.listen();
      await running.close();
      // A database the caller passed in stays open for the caller.
      await expect(db.pool.query('select 1')).resolves.toBeDefined();
    } finally {
      await db.drop();
      await clearRedis(prefix);
    }
  });

  describe('tokens verified against a JWKS URL (production shape)', () => {
    let server: Server;
    let jwksUrl: string;
    let privateKey: KeyLike;

    beforeAll(async () => {
      const pair = await generateKeyPair('RS256');
      privateKey = pair.privateKey;
      const jwk = { ...(await exportJWK(pair.publicKey)), kid: 'key-1', alg: 'RS256', use: 'sig' };
      server = createServer((_req, res) => {
        res.setHeader('content-type', 'application/json');
        res.end(JSON.stringify({ keys: [jwk] }));
      });
      await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
      jwksUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}/keys`;
    });

    afterAll(async () => {
      await new Promise((resolve) => server.close(resolve));
    });

    it('accepts a token signed by the identity provider and refuses a development one', async () => {
      const db = await createTestDatabase();
      const prefix = uniquePrefix();
      const running = await createApp({
        env: { APP_ENV: 'test', DATABASE_URL: db.url, REDIS_PREFIX: prefix, LOG_LEVEL: 'silent', PROCESS_ROLES: 'api', AUTH_JWKS_URL: jwksUrl },
        database: db,
        imports: [ProbeModule],
      });
      try {
        const token = await new SignJWT({ tid: 'tenant-x', roles: ['sales-agent'] })
          .setProtectedHeader({ alg: 'RS256', kid: 'key-1' })
          .setSubject('idp-user')
          .setExpirationTime('5m')
          .sign(privateKey);
        const ok = await running.http!.inject({
          method: 'POST',
          url: '/v1/test-probe/orders',
          headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
          payload: { customerId: 'c', billingCycle: 'annual', lines: [{ sku: 's', quantity: 1 }] },
        });
        expect(ok.statusCode).toBe(201);
        expect(ok.json().context.actor).toEqual({ userId: 'idp-user', tenantId: 'tenant-x', roles: ['sales-agent'] });

        const { signDevToken } = await import('../../../libs/auth/src/sign-token');
        const { DEV_JWT_SECRET } = await import('../../../libs/config/src/app-config');
        const dev = await signDevToken({ secret: DEV_JWT_SECRET, tenantId: 'tenant-x', roles: ['sales-agent'], userId: 'u' });
        const refused = await running.http!.inject({ method: 'GET', url: '/v1/test-probe/public-only-route', headers: { authorization: `Bearer ${dev}` } });
        expect(refused.statusCode).toBe(404);
        const refusedPost = await running.http!.inject({
          method: 'POST',
          url: '/v1/test-probe/orders',
          headers: { authorization: `Bearer ${dev}`, 'content-type': 'application/json' },
          payload: {},
        });
        expect(refusedPost.statusCode).toBe(401);
      } finally {
        await running.close();
        await db.drop();
        await clearRedis(prefix);
      }
    });
  });
});
