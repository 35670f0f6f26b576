import { Module } from '@nestjs/common';
import { IdempotencyCleanup } from '../../api/src/idempotency/idempotency-cleanup.service';

/**
 * Background work owned by the platform (worker role). Projections and timer workers are
 * started by their own modules, which the composition tells to run in worker processes.
 */
@Module({
  providers: [IdempotencyCleanup],
})
export class WorkerModule {}
