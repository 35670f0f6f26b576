import { Global, Inject, Injectable, Module, type DynamicModule, type OnApplicationShutdown } from '@nestjs/common';
import { CqrsModule } from '@nestjs/cqrs';
import { LoggerModule } from 'nestjs-pino';
import type { DestinationStream } from 'pino';
import { Clock } from '../../../../libs/clock/src';
import { APP_CONFIG, type AppConfig } from '../../../../libs/config/src/app-config';
import { EVENT_STORE, type EventStore } from '../../../../libs/event-store/src/port';
import { DATABASE, type DatabaseHandle } from '../../../../libs/persistence/src/database';
import { CommandContextFactory } from '../request-context/command-context.factory';
import { requestIdsOf } from '../request-context/request-ids';

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

const QUIET_ROUTES = new Set(['/health', '/metrics']);

function loggerModule(resources: PlatformResources): DynamicModule {
  const options = {
    level: resources.config.log.level,
    genReqId: (req: Parameters<typeof requestIdsOf>[0]) => requestIdsOf(req).requestId,
    customProps: (req: Parameters<typeof requestIdsOf>[0]) => ({ correlationId: requestIdsOf(req).correlationId }),
    redact: { paths: ['req.headers.authorization', 'req.headers.cookie'], censor: '[redacted]' },
    // The middleware layer mounts at the root and rewrites `url`; `originalUrl` keeps the path.
    autoLogging: { ignore: (req: { url?: string; originalUrl?: string }) => QUIET_ROUTES.has((req.originalUrl ?? req.url ?? '').split('?')[0]) },
    customLogLevel: (_req: unknown, res: { statusCode: number }, error?: Error) =>
      error || res.statusCode >= 500 ? ('error' as const) : res.statusCode >= 400 ? ('warn' as const) : ('info' as const),
  };
  return LoggerModule.forRoot({
    pinoHttp: resources.logDestination ? [options, resources.logDestination] : options,
  });
}

/**
 * Global providers of the process: APP_CONFIG, DATABASE, EVENT_STORE, Clock, the command bus,
 * JSON logs, and the CommandContextFactory.
 */
@Global()
@Module({})
export class PlatformModule {
  static forRoot(resources: PlatformResources): DynamicModule {
    return {
      module: PlatformModule,
      imports: [loggerModule(resources), CqrsModule.forRoot()],
      providers: [
        { provide: PLATFORM_RESOURCES, useValue: resources },
        { provide: APP_CONFIG, useValue: resources.config },
        { provide: DATABASE, useValue: resources.database },
        { provide: EVENT_STORE, useValue: resources.eventStore },
        { provide: Clock, useValue: resources.clock },
        CommandContextFactory,
        ResourceCloser,
      ],
      exports: [APP_CONFIG, DATABASE, EVENT_STORE, Clock, CommandContextFactory, CqrsModule],
    };
  }
}
