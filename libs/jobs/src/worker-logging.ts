import type { Logger } from '@nestjs/common';
import type { Worker } from 'bullmq';

/** Logs a worker's connection errors and every failed attempt of its jobs (BullMQ retries them). */
export function logWorkerProblems(worker: Worker, logger: Logger): void {
  worker.on('error', (error) => logger.error(`worker error: ${error.message}`));
  worker.on('failed', (job, error) => logger.warn(`job ${job?.name} ${job?.id} failed (attempt ${job?.attemptsMade}): ${error.message}`));
}
