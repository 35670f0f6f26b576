import { Inject, Injectable, Module, type DynamicModule, type OnApplicationShutdown } from '@nestjs/common';
import type { Redis } from 'ioredis';
import { createRedisConnection, JOBS_OPTIONS, jobsOptionsFromEnv, type JobsOptions } from './connection';

/** Hands out BullMQ-ready Redis connections and closes them all at shutdown. */
@Injectable()
export class RedisConnections implements OnApplicationShutdown {
  private readonly open = new Set<Redis>();

  constructor(@Inject(JOBS_OPTIONS) readonly options: JobsOptions) {}

  create(name?: string): Redis {
    const connection = createRedisConnection(this.options, name);
    this.open.add(connection);
    return connection;
  }

  async close(): Promise<void> {
    const connections = [...this.open];
    this.open.clear();
    await Promise.all(connections.map((c) => c.quit().catch(() => c.disconnect())));
  }

  async onApplicationShutdown(): Promise<void> {
    await this.close();
  }
}

@Module({})
export class JobsModule {
  /** Global: JOBS_OPTIONS and RedisConnections for every module. Options default to the environment. */
  static forRoot(options: Partial<JobsOptions> = {}): DynamicModule {
    return {
      module: JobsModule,
      global: true,
      providers: [{ provide: JOBS_OPTIONS, useValue: jobsOptionsFromEnv(process.env, options) }, RedisConnections],
      exports: [JOBS_OPTIONS, RedisConnections],
    };
  }
}
