import { ConfigError, DEV_JWT_SECRET, loadConfig } from '.';

function problemsOf(env: Record<string, string>): Record<string, string[]> {
  try {
    loadConfig(env);
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return Object.fromEntries((error as ConfigError).problems.map((p) => [p.key, p.messages]));
  }
  throw new Error('expected a ConfigError');
}

describe('loadConfig', () => {
  it('applies the documented defaults', () => {
    const config = loadConfig({});
    expect(config).toEqual({
      env: 'development',
      http: { port: 3000 },
      database: { url: 'postgres://postgres@127.0.0.1:5432/csp_commerce' },
      eventStore: { driver: 'postgres', connectionString: undefined },
      redis: { url: 'redis://127.0.0.1:6379', prefix: 'csp' },
      auth: { jwtSecret: DEV_JWT_SECRET, jwksUrl: undefined },
      roles: { api: true, worker: true },
      log: { level: 'info' },
    });
  });

  it('reads every variable and types the sub-configs', () => {
    const config = loadConfig({
      APP_ENV: 'production',
      PORT: '8080',
      DATABASE_URL: 'postgresql://app:pw@db:5432/csp',
      EVENT_STORE_DRIVER: 'esdb',
      EVENTSTORE_CONNECTION_STRING: 'esdb://eventstore:2113?tls=false',
      REDIS_URL: 'redis://redis:6379/2',
      REDIS_PREFIX: 'prod',
      AUTH_JWT_SECRET: 'x'.repeat(40),
      AUTH_JWKS_URL: 'https://login.example.test/keys',
      PROCESS_ROLES: 'worker',
      LOG_LEVEL: 'warn',
    });
    expect(config.http.port).toBe(8080);
    expect(config.eventStore).toEqual({ driver: 'esdb', connectionString: 'esdb://eventstore:2113?tls=false' });
    expect(config.roles).toEqual({ api: false, worker: true });
    expect(config.auth).toEqual({ jwtSecret: 'x'.repeat(40), jwksUrl: 'https://login.example.test/keys' });
    expect(config.log.level).toBe('warn');
  });

  it('treats empty values as unset', () => {
    expect(loadConfig({ PORT: '', LOG_LEVEL: '  ' }).http.port).toBe(3000);
  });

  it('lists every bad key in one error, with why', () => {
    const problems = problemsOf({
      APP_ENV: 'staging',
      PORT: 'abc',
      DATABASE_URL: 'mysql://localhost/db',
      EVENT_STORE_DRIVER: 'mongo',
      REDIS_URL: 'localhost:6379',
      PROCESS_ROLES: 'api,cron',
      LOG_LEVEL: 'loud',
      AUTH_JWKS_URL: 'not a url',
    });
    expect(Object.keys(problems).sort()).toEqual(
      ['APP_ENV', 'AUTH_JWKS_URL', 'DATABASE_URL', 'EVENT_STORE_DRIVER', 'LOG_LEVEL', 'PORT', 'PROCESS_ROLES', 'REDIS_URL'].sort(),
    );
    expect(problems.APP_ENV[0]).toContain('development, test, production');
    expect(problems.PORT.join()).toContain('integer');
  });

  it('gives one message naming each key', () => {
    expect(() => loadConfig({ PORT: '70000', LOG_LEVEL: 'loud' })).toThrow(
      /Invalid configuration \(2 problems\):\n {2}- PORT: .*between 1 and 65535.*\n {2}- LOG_LEVEL: must be one of/,
    );
  });

  it('never echoes secret values', () => {
    try {
      loadConfig({ AUTH_JWT_SECRET: 'short-secret', DATABASE_URL: 'postgres://u:hunter2@db' });
      throw new Error('expected failure');
    } catch (error) {
      expect((error as Error).message).toContain('AUTH_JWT_SECRET: must be at least 32 characters');
      expect((error as Error).message).not.toContain('short-secret');
      expect((error as Error).message).not.toContain('hunter2');
    }
  });

  it('requires the connection string for the esdb driver', () => {
    expect(problemsOf({ EVENT_STORE_DRIVER: 'esdb' })).toEqual({
      EVENTSTORE_CONNECTION_STRING: ['is required when EVENT_STORE_DRIVER=esdb'],
    });
  });

  it('refuses the development secret in production', () => {
    expect(problemsOf({ APP_ENV: 'production', AUTH_JWT_SECRET: DEV_JWT_SECRET })).toEqual({
      AUTH_JWT_SECRET: ['the development secret is refused when APP_ENV=production'],
    });
  });

  it('refuses production without any way to verify tokens', () => {
    expect(problemsOf({ APP_ENV: 'production' })).toEqual({
      AUTH_JWT_SECRET: ['set AUTH_JWT_SECRET or AUTH_JWKS_URL when APP_ENV=production'],
    });
  });

  it('accepts production with only a JWKS URL (no secret at all)', () => {
    const config = loadConfig({ APP_ENV: 'production', AUTH_JWKS_URL: 'https://idp.example.test/jwks' });
    expect(config.auth).toEqual({ jwtSecret: undefined, jwksUrl: 'https://idp.example.test/jwks' });
  });

  it('refuses the in-memory event store in production', () => {
    expect(problemsOf({ APP_ENV: 'production', AUTH_JWT_SECRET: 's'.repeat(32), EVENT_STORE_DRIVER: 'memory' })).toEqual({
      EVENT_STORE_DRIVER: ['memory is refused when APP_ENV=production'],
    });
  });

  it('parses role lists with spaces', () => {
    expect(loadConfig({ PROCESS_ROLES: ' worker , api ' }).roles).toEqual({ api: true, worker: true });
  });
});
