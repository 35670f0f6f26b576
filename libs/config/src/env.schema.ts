import 'reflect-metadata';
import { IsIn, IsInt, IsOptional, IsString, Matches, Max, Min, MinLength } from 'class-validator';
import { Type } from 'class-transformer';
import { APP_ENVS, EVENT_STORE_DRIVERS, LOG_LEVELS, type AppEnv, type EventStoreDriver, type LogLevel } from './app-config';

/** The environment variables, as class-validator checks them. Defaults are applied before. */
export class EnvironmentVariables {
  @IsIn(APP_ENVS, { message: `must be one of ${APP_ENVS.join(', ')}` })
  APP_ENV!: AppEnv;

  @Type(() => Number)
  @IsInt({ message: 'must be an integer' })
  @Min(1, { message: 'must be between 1 and 65535' })
  @Max(65535, { message: 'must be between 1 and 65535' })
  PORT!: number;

  @Matches(/^postgres(ql)?:\/\/[^/\s]+\/[A-Za-z0-9_]+(\?\S*)?$/, {
    message: 'must be a postgres:// URL naming a database (letters, digits, underscore)',
  })
  DATABASE_URL!: string;

  @IsIn(EVENT_STORE_DRIVERS, { message: `must be one of ${EVENT_STORE_DRIVERS.join(', ')}` })
  EVENT_STORE_DRIVER!: EventStoreDriver;

  @IsOptional()
  @Matches(/^(esdb|esdb\+discover|kurrentdb|kurrentdb\+discover|kdb|kdb\+discover):\/\/\S+$/, {
    message: 'must be an esdb:// (or kurrentdb://) connection string',
  })
  EVENTSTORE_CONNECTION_STRING?: string;

  @Matches(/^rediss?:\/\/\S+$/, { message: 'must be a redis:// or rediss:// URL' })
  REDIS_URL!: string;

  @Matches(/^[A-Za-z0-9_.:-]{1,64}$/, { message: 'must be 1 to 64 letters, digits or _ . : -' })
  REDIS_PREFIX!: string;

  @IsOptional()
  @IsString()
  @MinLength(32, { message: 'must be at least 32 characters' })
  AUTH_JWT_SECRET?: string;

  @IsOptional()
  @Matches(/^https?:\/\/\S+$/, { message: 'must be an http(s) URL' })
  AUTH_JWKS_URL?: string;

  @Matches(/^\s*(api|worker)\s*(,\s*(api|worker)\s*)*$/, {
    message: 'must be a comma-separated list of api, worker',
  })
  PROCESS_ROLES!: string;

  @IsIn(LOG_LEVELS, { message: `must be one of ${LOG_LEVELS.join(', ')}` })
  LOG_LEVEL!: LogLevel;
}
