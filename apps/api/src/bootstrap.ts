import { Logger as NestLogger, type INestApplicationContext, type ModuleMetadata } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import type { FastifyInstance, RawServerDefault } from 'fastify';
import type { IncomingMessage } from 'node:http';
import { Logger } from 'nestjs-pino';
import type { DestinationStream } from 'pino';
import { Clock, ControllableClock, SystemClock } from '../../../libs/clock/src';
import type { AppConfig } from '../../../libs/config/src/app-config';
import { loadConfig } from '../../../libs/config/src/load-config';
import type { EventStore } from '../../../libs/event-store/src/port';
import { ensureDatabaseExists, openDatabase, type DatabaseHandle } from '../../../libs/persistence/src/database';
import { migrateToLatest } from '../../../libs/persistence/src/migrate';
import { setupDocs } from './docs/docs';
import { MalformedJsonError } from './errors/problem';
import { installIdempotency } from './idempotency/idempotency.guard';
import { HttpMetrics } from './metrics/http-metrics';
import { createEventStore } from './platform/event-store.factory';
import type { PlatformResources } from './platform/platform.module';
import { RequestLogging } from './platform/request-logging';
import { CORRELATION_HEADER, requestIdsOf } from './request-context/request-ids';
import { RootModule } from './root.module';

/** The JSON body limit (bytes); larger bodies answer 413 `payload-too-large`. */
export const BODY_LIMIT = 1024 * 1024;

export interface AppOverrides {
  /** Environment to read the configuration from (default: process.env). */
  env?: Record<string, string | undefined>;
  /** Use this database instead of opening DATABASE_URL; the caller keeps ownership. */
  database?: DatabaseHandle;
  /** Use this event store instead of the configured driver; the caller keeps ownership. */
  eventStore?: EventStore;
  clock?: Clock;
  /** Extra modules, e.g. test-only controllers. */
  imports?: ModuleMetadata['imports'];
  /** Where JSON logs go (default: stdout). */
  logDestination?: DestinationStream;
}

export interface RunningApp {
  config: AppConfig;
  /** The Nest application (an HTTP app when the process has the api role). */
  app: INestApplicationContext;
  /** The Fastify application, null in a worker-only process. */
  http: NestFastifyApplication | null;
  clock: Clock;
  database: DatabaseHandle;
  eventStore: EventStore;
  /** Listens on PORT (api role only). */
  listen(): Promise<void>;
  close(): Promise<void>;
}

/**
 * Builds the process: validates the configuration, creates the database if missing and runs the
 * migrations, opens the event store, then starts Nest with the parts PROCESS_ROLES names.
 * Used by main and by the end-to-end tests.
 */
export async function createApp(overrides: AppOverrides = {}): Promise<RunningApp> {
  const config = loadConfig(overrides.env ?? process.env);
  const owned: PlatformResources['owned'] = [];
  let database = overrides.database;
  let app: INestApplicationContext | undefined;
  try {
    if (!database) {
      await ensureDatabaseExists(config.database.url);
      database = openDatabase(config.database.url);
      owned.push(database);
    }
    await migrateToLatest(database.db);

    let eventStore = overrides.eventStore;
    if (!eventStore) {
      eventStore = createEventStore(config.eventStore, database.pool);
      owned.push(eventStore);
    }
    const clock = overrides.clock ?? (config.env === 'test' ? new ControllableClock() : new SystemClock());
    const resources: PlatformResources = { config, database, eventStore, clock, owned, logDestination: overrides.logDestination };
    const root = RootModule.register(resources, { imports: overrides.imports });

    let http: NestFastifyApplication | null = null;
    if (config.roles.api) {
      http = await NestFactory.create<NestFastifyApplication>(root, createFastifyAdapter(), { bufferLogs: true, abortOnError: false });
      app = http;
      http.useLogger(http.get(Logger));
      http.flushLogs();
      configureHttp(http);
    } else {
      app = await NestFactory.createApplicationContext(root, { bufferLogs: true, abortOnError: false });
      app.useLogger(app.get(Logger));
      app.flushLogs();
    }
    app.enableShutdownHooks();
    await app.init();

    const running = app;
    return {
      config,
      app: running,
      http,
      clock,
      database,
      eventStore,
      listen: async () => {
        if (!http) return;
        await http.listen({ port: config.http.port, host: '0.0.0.0' });
        new NestLogger('Bootstrap').log(`listening on port ${config.http.port}`);
      },
      close: () => running.close(),
    };
  } catch (error) {
    if (app) await app.close().catch(() => undefined);
    // Whatever the app did not close (it may have failed before its shutdown hooks existed).
    for (const resource of owned.splice(0).reverse()) await resource.close().catch(() => undefined);
    throw error;
  }
}

function createFastifyAdapter(): FastifyAdapter {
  return new FastifyAdapter({
    bodyLimit: BODY_LIMIT,
    // Ids come from requestIdsOf, so logs, headers and handlers agree.
    genReqId: (raw: IncomingMessage) => requestIdsOf(raw).requestId,
    // `/health/` is `/health`.
    routerOptions: { ignoreTrailingSlash: true },
    // No Nest middleware: request logging runs in Fastify's hooks, so no middleware layer per request.
    skipMiddie: true,
  });
}

function configureHttp(app: NestFastifyApplication): void {
  const fastify = app.getHttpAdapter().getInstance() as unknown as FastifyInstance;
  fastify.addHook('onRequest', (request, reply, done) => {
    void reply.header(CORRELATION_HEADER, requestIdsOf(request.raw).correlationId);
    done();
  });

  // JSON only (anything else answers 415): an empty body counts as none, a malformed one
  // answers 400 `malformed-json`.
  fastify.removeAllContentTypeParsers();
  const parseJson = fastify.getDefaultJsonParser('error', 'error');
  app.useBodyParser<RawServerDefault>(['application/json', 'application/merge-patch+json'], { bodyLimit: BODY_LIMIT }, (request, buffer, done) => {
    const text = buffer.toString('utf8');
    if (text.trim() === '') return done(null, undefined);
    parseJson(request, text, (error, value) => {
      if (error) done(new MalformedJsonError(error.message), undefined);
      else done(null, value);
    });
  });

  installIdempotency(app, fastify);
  app.get(RequestLogging).install(fastify);
  app.get(HttpMetrics).install(fastify);
  setupDocs(app);
}
