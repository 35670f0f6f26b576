import { Global, Inject, Injectable, Module, type DynamicModule, type OnApplicationShutdown } from '@nestjs/common';
import { CqrsModule } from '@nestjs/cqrs';
import { LoggerModule } from 'nestjs-pino';
import type { DestinationStream } from 'pino';
import { Clock } from '../../../../libs/clock/src';
import { APP_CONFIG, type AppConfig } from '../../../../libs/config/src/app-config';
import { EVENT_STORE, type EventStore } from '../../../../libs/event-store/src/port';
import { DATABASE, type DatabaseHandle } from '../../../../libs/persistence/src/database';
import { CommandContextFactory } from '../request-context/command-context.factory';
import { RequestLogging } from './request-logging';

/** What the process opened before Nest started, and which of it the app must close. */
export interface PlatformResources {
  config: AppConfig;
  database: DatabaseHandle;
  eventStore: EventStore;
  clock: Clock;
  /** Closed at shutdown, after every other module has stopped. */
  owned: Array<{ close(): Promise<void> }>;
  logDestination?: DestinationStream;
}

export const PLATFORM_RESOURCES = Symbol('PLATFORM_RESOURCES');

/** Global modules shut down last, so the pool and the store outlive every worker using them. */
@Injectable()
class ResourceCloser implements OnApplicationShutdown {
  constructor(@Inject(PLATFORM_RESOURCES) private readonly resources: PlatformResources) {}

  async onApplicationShutdown(): Promise<void> {
    const owned = this.resources.owned.splice(0).reverse();
    for (const resource of owned) await resource.close().catch(() => undefined);
  }
}

function loggerModule(logging: RequestLogging): DynamicModule {
  // Request lines come from Fastify's hooks (RequestLogging), not from a middleware per request.
  return LoggerModule.forRoot({ pinoHttp: { logger: logging.root }, forRoutes: [] });
}

/**
 * Global providers of the process: APP_CONFIG, DATABASE, EVENT_STORE, Clock, the command bus,
 * JSON logs (RequestLogging), and the CommandContextFactory.
 */
@Global()
@Module({})
export class PlatformModule {
  static forRoot(resources: PlatformResources): DynamicModule {
    const logging = new RequestLogging(resources.config.log.level, resources.logDestination);
    return {
      module: PlatformModule,
      imports: [loggerModule(logging), CqrsModule.forRoot()],
      providers: [
        { provide: PLATFORM_RESOURCES, useValue: resources },
        { provide: APP_CONFIG, useValue: resources.config },
        { provide: DATABASE, useValue: resources.database },
        { provide: EVENT_STORE, useValue: resources.eventStore },
        { provide: Clock, useValue: resources.clock },
        { provide: RequestLogging, useValue: logging },
        CommandContextFactory,
        ResourceCloser,
      ],
      exports: [APP_CONFIG, DATABASE, EVENT_STORE, Clock, RequestLogging, CommandContextFactory, CqrsModule],
    };
  }
}
