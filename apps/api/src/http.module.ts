import { Module } from '@nestjs/common';
import { APP_FILTER, APP_PIPE } from '@nestjs/core';
import { AuthModule } from '../../../libs/auth/src/auth.module';
import { ProblemDetailsFilter } from './errors/problem.filter';
import { createValidationPipe } from './errors/validation';
import { HealthModule } from './health/health.module';
import { IdempotencyGuard } from './idempotency/idempotency.guard';
import { MetricsModule } from './metrics/metrics.module';

/**
 * The HTTP edge (api role): auth guard, validation pipe, problem+json filter, Idempotency-Key
 * guard, /health and /metrics.
 */
@Module({
  imports: [AuthModule, HealthModule, MetricsModule],
  providers: [
    { provide: APP_FILTER, useClass: ProblemDetailsFilter },
    { provide: APP_PIPE, useFactory: createValidationPipe },
    // Put on the POST routes by installIdempotency, not globally.
    IdempotencyGuard,
  ],
  exports: [MetricsModule, IdempotencyGuard],
})
export class ApiHttpModule {}
