import { Module } from '@nestjs/common';
import { APP_FILTER, APP_INTERCEPTOR, APP_PIPE } from '@nestjs/core';
import { AuthModule } from '../../../libs/auth/src/auth.module';
import { ProblemDetailsFilter } from './errors/problem.filter';
import { createValidationPipe } from './errors/validation';
import { HealthModule } from './health/health.module';
import { IdempotencyInterceptor } from './idempotency/idempotency.interceptor';
import { MetricsModule } from './metrics/metrics.module';

/**
 * The HTTP edge (api role): auth guard, validation pipe, problem+json filter, Idempotency-Key
 * interceptor, /health and /metrics.
 */
@Module({
  imports: [AuthModule, HealthModule, MetricsModule],
  providers: [
    { provide: APP_FILTER, useClass: ProblemDetailsFilter },
    { provide: APP_PIPE, useFactory: createValidationPipe },
    { provide: APP_INTERCEPTOR, useClass: IdempotencyInterceptor },
  ],
  exports: [MetricsModule],
})
export class ApiHttpModule {}
