import { Module, type DynamicModule } from '@nestjs/common';
import { TestClockController } from './test-clock.controller';
import { TEST_CLOCK_OPTIONS, TestClockService, type TestClockOptions } from './test-clock.service';

export interface TestClockModuleOptions extends TestClockOptions {
  /** Mount the endpoints; defaults to APP_ENV === 'test'. */
  enabled?: boolean;
}

/**
 * `GET/PUT /v1/test/clock`, `POST /v1/test/clock/advance` (API.md). Needs Clock bound to a
 * ControllableClock, TimerService (TimersModule) and ProjectionRunner (ProjectionsModule).
 */
@Module({})
export class TestClockModule {
  static forRoot(options: TestClockModuleOptions = {}): DynamicModule {
    const enabled = options.enabled ?? process.env.APP_ENV === 'test';
    if (!enabled) return { module: TestClockModule };
    return {
      module: TestClockModule,
      controllers: [TestClockController],
      providers: [{ provide: TEST_CLOCK_OPTIONS, useValue: { timeoutMs: options.timeoutMs } }, TestClockService],
      exports: [TestClockService],
    };
  }
}
