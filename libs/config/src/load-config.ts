import { plainToInstance } from 'class-transformer';
import { validateSync } from 'class-validator';
import { DEV_JWT_SECRET, type AppConfig } from './app-config';
import { EnvironmentVariables } from './env.schema';

export const CONFIG_DEFAULTS: Readonly<Record<string, string>> = {
  APP_ENV: 'development',
  PORT: '3000',
  DATABASE_URL: 'postgres://postgres@127.0.0.1:5432/csp_commerce',
  EVENT_STORE_DRIVER: 'postgres',
  REDIS_URL: 'redis://127.0.0.1:6379',
  REDIS_PREFIX: 'csp',
  PROCESS_ROLES: 'api,worker',
  LOG_LEVEL: 'info',
};

const KEYS = [
  'APP_ENV', 'PORT', 'DATABASE_URL', 'EVENT_STORE_DRIVER', 'EVENTSTORE_CONNECTION_STRING', 'REDIS_URL',
  'REDIS_PREFIX', 'AUTH_JWT_SECRET', 'AUTH_JWKS_URL', 'PROCESS_ROLES', 'LOG_LEVEL',
] as const;

// Values of these keys never appear in an error message.
const SECRET_KEYS = new Set(['AUTH_JWT_SECRET', 'DATABASE_URL', 'REDIS_URL', 'EVENTSTORE_CONNECTION_STRING']);

export interface ConfigProblem {
  key: string;
  messages: string[];
}

/** Start-up refused: every bad key is listed, each with why. */
export class ConfigError extends Error {
  constructor(readonly problems: ConfigProblem[]) {
    super(
      `Invalid configuration (${problems.length} problem${problems.length === 1 ? '' : 's'}):\n` +
        problems.map((p) => `  - ${p.key}: ${p.messages.join('; ')}`).join('\n'),
    );
    this.name = 'ConfigError';
  }
}

/**
 * Reads, defaults and validates the environment. Empty strings count as unset. Throws one
 * ConfigError naming every bad key.
 */
export function loadConfig(env: Record<string, string | undefined> = process.env): AppConfig {
  const raw: Record<string, string> = {};
  for (const key of KEYS) {
    const value = env[key]?.trim();
    if (value) raw[key] = value;
    else if (CONFIG_DEFAULTS[key] !== undefined) raw[key] = CONFIG_DEFAULTS[key];
  }

  const vars = plainToInstance(EnvironmentVariables, raw);
  const problems = new Map<string, string[]>();
  const add = (key: string, message: string) => problems.set(key, [...(problems.get(key) ?? []), message]);

  for (const error of validateSync(vars, { forbidUnknownValues: true })) {
    const shown = SECRET_KEYS.has(error.property) ? '' : ` (got "${raw[error.property]}")`;
    for (const message of Object.values(error.constraints ?? {})) add(error.property, `${message}${shown}`);
  }

  if (vars.EVENT_STORE_DRIVER === 'esdb' && !vars.EVENTSTORE_CONNECTION_STRING) {
    add('EVENTSTORE_CONNECTION_STRING', 'is required when EVENT_STORE_DRIVER=esdb');
  }
  if (vars.APP_ENV === 'production') {
    if (vars.AUTH_JWT_SECRET === DEV_JWT_SECRET) {
      add('AUTH_JWT_SECRET', 'the development secret is refused when APP_ENV=production');
    } else if (!vars.AUTH_JWT_SECRET && !vars.AUTH_JWKS_URL) {
      add('AUTH_JWT_SECRET', 'set AUTH_JWT_SECRET or AUTH_JWKS_URL when APP_ENV=production');
    }
    if (vars.EVENT_STORE_DRIVER === 'memory') add('EVENT_STORE_DRIVER', 'memory is refused when APP_ENV=production');
  }

  if (problems.size > 0) {
    throw new ConfigError([...problems].map(([key, messages]) => ({ key, messages })));
  }

  const roles = new Set(vars.PROCESS_ROLES.split(',').map((r) => r.trim()));
  const usesDevSecret = !vars.AUTH_JWT_SECRET && vars.APP_ENV !== 'production';
  return {
    env: vars.APP_ENV,
    http: { port: vars.PORT },
    database: { url: vars.DATABASE_URL },
    eventStore: { driver: vars.EVENT_STORE_DRIVER, connectionString: vars.EVENTSTORE_CONNECTION_STRING },
    redis: { url: vars.REDIS_URL, prefix: vars.REDIS_PREFIX },
    auth: { jwtSecret: usesDevSecret ? DEV_JWT_SECRET : vars.AUTH_JWT_SECRET, jwksUrl: vars.AUTH_JWKS_URL },
    roles: { api: roles.has('api'), worker: roles.has('worker') },
    log: { level: vars.LOG_LEVEL },
  };
}
