/** Typed, validated configuration (ARCHITECTURE: configuration table). Built once at boot. */
export type AppEnv = 'development' | 'test' | 'production';
export type EventStoreDriver = 'postgres' | 'esdb' | 'memory';
export type LogLevel = 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';
export type ProcessRole = 'api' | 'worker';

export const APP_ENVS: readonly AppEnv[] = ['development', 'test', 'production'];
export const EVENT_STORE_DRIVERS: readonly EventStoreDriver[] = ['postgres', 'esdb', 'memory'];
export const LOG_LEVELS: readonly LogLevel[] = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'];
export const PROCESS_ROLES: readonly ProcessRole[] = ['api', 'worker'];

/** Signs and verifies tokens in development and tests only; refused when APP_ENV=production. */
export const DEV_JWT_SECRET = 'csp-commerce-development-secret-not-for-production';

export interface HttpConfig {
  port: number;
}

export interface DatabaseConfig {
  url: string;
}

export interface EventStoreConfig {
  driver: EventStoreDriver;
  /** Set when the driver is `esdb`. */
  connectionString?: string;
}

export interface RedisConfig {
  url: string;
  /** Key prefix of every BullMQ queue, so several deployments (or test files) can share a Redis. */
  prefix: string;
}

export interface AuthConfig {
  /** HS256 secret; absent only when a JWKS URL is used in production. */
  jwtSecret?: string;
  jwksUrl?: string;
}

export interface AppConfig {
  env: AppEnv;
  http: HttpConfig;
  database: DatabaseConfig;
  eventStore: EventStoreConfig;
  redis: RedisConfig;
  auth: AuthConfig;
  roles: { api: boolean; worker: boolean };
  log: { level: LogLevel };
}

/** Injection token for the AppConfig. */
export const APP_CONFIG = Symbol('APP_CONFIG');
