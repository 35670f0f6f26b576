import {
  Inject,
  Injectable,
  Logger,
  Module,
  Optional,
  type DynamicModule,
  type ModuleMetadata,
  type OnApplicationBootstrap,
  type OnApplicationShutdown,
  type OnModuleInit,
  type Provider,
  type Type,
} from '@nestjs/common';
import { Clock } from '../../clock/src';
import { PROJECTIONS, type Projection } from '../../event-store/src/projections/projection';
import { DATABASE, type DatabaseHandle } from '../../persistence/src/database';
import { JOBS_OPTIONS, jobsOptionsFromEnv, type JobsOptions } from '../../jobs/src/connection';
import { DUE_TIMERS_PROJECTION } from './due-timers.projection';
import type { TimerRule } from './timer-rules';
import { TimerService, type TimerProcessor, type TimerServiceOptions } from './timer-service';

export interface TimersModuleOptions {
  /** Every feature's timer rules (the same list the DueTimersProjection was built from). */
  rules: readonly TimerRule[];
  /** Processor classes (Nest providers, instantiated here) or ready instances; one per kind. */
  processors: ReadonlyArray<Type<TimerProcessor> | TimerProcessor>;
  /** Modules the processor classes need when their dependencies are not global. */
  imports?: ModuleMetadata['imports'];
  /** Run the sweep and the timer workers here; defaults to whether PROCESS_ROLES names `worker`. */
  runWorkers?: boolean;
  service?: TimerServiceOptions;
}

export const TIMERS_MODULE_OPTIONS = Symbol('TIMERS_MODULE_OPTIONS');
export const TIMER_PROCESSORS = Symbol('TIMER_PROCESSORS');

@Injectable()
export class TimersLifecycle implements OnModuleInit, OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger('Timers');

  constructor(
    private readonly timers: TimerService,
    @Inject(TIMERS_MODULE_OPTIONS) private readonly options: TimersModuleOptions,
    @Optional() @Inject(PROJECTIONS) private readonly projections?: Projection[],
  ) {}

  async onModuleInit(): Promise<void> {
    if (this.projections && !this.projections.some((projection) => projection.name === DUE_TIMERS_PROJECTION)) {
      throw new Error(`timers need the ${DUE_TIMERS_PROJECTION} projection: add new DueTimersProjection(rules) to the projections`);
    }
    if (runsWorkers(this.options)) await this.timers.checkStoredKinds();
  }

  async onApplicationBootstrap(): Promise<void> {
    if (!runsWorkers(this.options)) return;
    await this.timers.startWorkers();
    this.logger.log(`timer workers running for kind(s): ${this.timers.kinds.join(', ') || 'none'}`);
  }

  async onApplicationShutdown(): Promise<void> {
    await this.timers.stop();
  }
}

function runsWorkers(options: TimersModuleOptions): boolean {
  if (options.runWorkers !== undefined) return options.runWorkers;
  return (process.env.PROCESS_ROLES ?? 'api,worker')
    .split(',')
    .map((role) => role.trim())
    .includes('worker');
}

function isClass(value: Type<TimerProcessor> | TimerProcessor): value is Type<TimerProcessor> {
  return typeof value === 'function';
}

@Module({})
export class TimersModule {
  /**
   * Global: TimerService. Start-up fails if a declared timer kind (or a kind stored in
   * due_timers) has no processor, or if the due-timers projection is not registered.
   */
  static forRoot(options: TimersModuleOptions): DynamicModule {
    const classes = options.processors.filter(isClass);
    const instances = options.processors.filter((processor) => !isClass(processor)) as TimerProcessor[];
    const providers: Provider[] = [
      ...classes,
      { provide: TIMERS_MODULE_OPTIONS, useValue: options },
      {
        provide: TIMER_PROCESSORS,
        inject: classes,
        useFactory: (...created: TimerProcessor[]) => [...created, ...instances],
      },
      {
        provide: TimerService,
        inject: [DATABASE, Clock, TIMER_PROCESSORS, { token: JOBS_OPTIONS, optional: true }],
        useFactory: (database: DatabaseHandle, clock: Clock, processors: TimerProcessor[], jobs?: JobsOptions) =>
          new TimerService(database, clock, jobs ?? jobsOptionsFromEnv(), options.rules, processors, options.service),
      },
      TimersLifecycle,
    ];
    return {
      module: TimersModule,
      global: true,
      imports: options.imports ?? [],
      providers,
      exports: [TimerService],
    };
  }
}
