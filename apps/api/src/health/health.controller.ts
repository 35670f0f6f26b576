import { Controller, Get, Inject, Res, ServiceUnavailableException, type OnApplicationShutdown } from '@nestjs/common';
import { ApiOkResponse, ApiServiceUnavailableResponse, ApiTags } from '@nestjs/swagger';
import { HealthCheckService, HealthIndicatorService, type HealthCheckResult } from '@nestjs/terminus';
import type { FastifyReply } from 'fastify';
import IORedis, { type Redis } from 'ioredis';
import { Public } from '../../../../libs/auth/src/decorators';
import { APP_CONFIG, type AppConfig } from '../../../../libs/config/src/app-config';
import { redisOptionsFromUrl } from '../../../../libs/config/src/redis-options';
import { EVENT_STORE, type EventStore } from '../../../../libs/event-store/src/port';
import { DATABASE, type DatabaseHandle } from '../../../../libs/persistence/src/database';

const CHECK_TIMEOUT_MS = 3000;

function withTimeout<T>(work: Promise<T>, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} did not answer within ${CHECK_TIMEOUT_MS} ms`)), CHECK_TIMEOUT_MS);
  });
  return Promise.race([work, timeout]).finally(() => clearTimeout(timer));
}

/** `GET /health`: PostgreSQL, Redis and the event store; 503 when any is down. */
@ApiTags('platform')
@Controller('health')
export class HealthController implements OnApplicationShutdown {
  private readonly redis: Redis;

  constructor(
    private readonly health: HealthCheckService,
    private readonly indicators: HealthIndicatorService,
    @Inject(DATABASE) private readonly database: DatabaseHandle,
    @Inject(EVENT_STORE) private readonly eventStore: EventStore,
    @Inject(APP_CONFIG) config: AppConfig,
  ) {
    this.redis = new IORedis({
      ...redisOptionsFromUrl(config.redis.url),
      lazyConnect: true,
      maxRetriesPerRequest: 1,
      connectTimeout: CHECK_TIMEOUT_MS,
      connectionName: 'health',
    });
    // Failures show in /health; an unhandled 'error' event would crash the process.
    this.redis.on('error', () => undefined);
  }

  @Public()
  @Get()
  @ApiOkResponse({ description: 'every dependency answers' })
  @ApiServiceUnavailableResponse({ description: 'at least one dependency is down' })
  async check(@Res({ passthrough: true }) reply: FastifyReply): Promise<HealthCheckResult> {
    try {
      return await this.health.check([
        () => this.probe('postgres', () => this.database.pool.query('select 1')),
        () => this.probe('redis', () => this.redis.ping()),
        () => this.probe('eventStore', () => this.eventStore.headPosition()),
      ]);
    } catch (error) {
      if (!(error instanceof ServiceUnavailableException)) throw error;
      void reply.status(503);
      return error.getResponse() as HealthCheckResult;
    }
  }

  private async probe(key: string, check: () => Promise<unknown>) {
    const indicator = this.indicators.check(key);
    try {
      await withTimeout(check(), key);
      return indicator.up();
    } catch (error) {
      return indicator.down({ message: error instanceof Error ? error.message : String(error) });
    }
  }

  async onApplicationShutdown(): Promise<void> {
    this.redis.disconnect();
  }
}
