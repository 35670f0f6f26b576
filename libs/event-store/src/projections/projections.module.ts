import {
  Inject,
  Injectable,
  Logger,
  Module,
  type DynamicModule,
  type ModuleMetadata,
  type OnApplicationBootstrap,
  type OnApplicationShutdown,
} from '@nestjs/common';
import { DATABASE, type DatabaseHandle } from '../../../persistence/src/database';
import { EVENT_STORE, type EventStore } from '../port';
import { PROJECTIONS, type Projection } from './projection';
import { instantiateProjections, ProjectionRunner, type ProjectionDefinition, type ProjectionRunnerOptions } from './projection-runner';

export interface ProjectionsModuleOptions {
  projections: readonly ProjectionDefinition[];
  /**
   * Run the projections in this process. Defaults to whether `PROCESS_ROLES` (default
   * `api,worker`) names `worker`. An api-only process still gets the runner for `waitForCatchUp`.
   */
  runInThisProcess?: boolean;
  runner?: Omit<ProjectionRunnerOptions, 'logger'>;
  /** Modules that provide DATABASE and EVENT_STORE when they are not global. */
  imports?: ModuleMetadata['imports'];
}

export const PROJECTIONS_MODULE_OPTIONS = Symbol('PROJECTIONS_MODULE_OPTIONS');

/** Starts the runner after bootstrap (worker role only) and stops it on shutdown. */
@Injectable()
export class ProjectionsLifecycle implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger('Projections');

  constructor(
    private readonly runner: ProjectionRunner,
    @Inject(PROJECTIONS_MODULE_OPTIONS) private readonly options: ProjectionsModuleOptions,
  ) {}

  onApplicationBootstrap(): void {
    if (!runsProjections(this.options)) return;
    this.runner.start();
    this.logger.log(`running ${this.runner.names.length} projection(s): ${this.runner.names.join(', ')}`);
  }

  async onApplicationShutdown(): Promise<void> {
    await this.runner.stop();
  }
}

function runsProjections(options: ProjectionsModuleOptions): boolean {
  if (options.runInThisProcess !== undefined) return options.runInThisProcess;
  return (process.env.PROCESS_ROLES ?? 'api,worker')
    .split(',')
    .map((role) => role.trim())
    .includes('worker');
}

@Module({})
export class ProjectionsModule {
  /** Global: PROJECTIONS (the instances) and ProjectionRunner for every module. */
  static forRoot(options: ProjectionsModuleOptions): DynamicModule {
    const projections = instantiateProjections(options.projections);
    return {
      module: ProjectionsModule,
      global: true,
      imports: options.imports ?? [],
      providers: [
        { provide: PROJECTIONS_MODULE_OPTIONS, useValue: options },
        { provide: PROJECTIONS, useValue: projections },
        {
          provide: ProjectionRunner,
          inject: [EVENT_STORE, DATABASE, PROJECTIONS],
          useFactory: (store: EventStore, database: DatabaseHandle, list: Projection[]) =>
            new ProjectionRunner(store, database, list, { ...options.runner, logger: new Logger('ProjectionRunner') }),
        },
        ProjectionsLifecycle,
      ],
      exports: [PROJECTIONS, ProjectionRunner],
    };
  }
}
