import { Module, type DynamicModule, type ModuleMetadata } from '@nestjs/common';
import { ProjectionsModule } from '../../../libs/event-store/src/projections/projections.module';
import { JobsModule } from '../../../libs/jobs/src/jobs.module';
import { TestClockModule } from '../../../libs/timers/src/test-clock/test-clock.module';
import { TimersModule } from '../../../libs/timers/src/timers.module';
import { WorkerModule } from '../../worker/src/worker.module';
import { AppModule, FEATURE_TIMER_PROCESSORS, FEATURE_TIMER_RULES } from './app.module';
import { ALL_PROJECTIONS } from './projections';
import { ApiHttpModule } from './http.module';
import { PlatformModule, type PlatformResources } from './platform/platform.module';

export interface RootModuleOptions {
  /** Extra modules (e.g. test-only controllers). */
  imports?: ModuleMetadata['imports'];
}

/**
 * The whole process: platform first (its resources close last), then jobs, projections and
 * timers (running only in a worker process), the features, and the HTTP edge when the process
 * serves the API.
 */
@Module({})
export class RootModule {
  static register(resources: PlatformResources, options: RootModuleOptions = {}): DynamicModule {
    const { config } = resources;
    const worker = config.roles.worker;
    return {
      module: RootModule,
      imports: [
        PlatformModule.forRoot(resources),
        JobsModule.forRoot({ redisUrl: config.redis.url, prefix: config.redis.prefix }),
        ProjectionsModule.forRoot({
          projections: ALL_PROJECTIONS,
          runInThisProcess: worker,
        }),
        TimersModule.forRoot({ rules: FEATURE_TIMER_RULES, processors: FEATURE_TIMER_PROCESSORS, runWorkers: worker }),
        AppModule,
        ...(config.roles.api ? [ApiHttpModule, TestClockModule.forRoot({ enabled: config.env === 'test' })] : []),
        ...(worker ? [WorkerModule] : []),
        ...(options.imports ?? []),
      ],
    };
  }
}
