import { Inject, Injectable, Logger, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { DATABASE, type DatabaseHandle } from '../../../../libs/persistence/src/database';
import { IdempotencyStore } from './idempotency.store';

const EVERY_HOUR = 60 * 60 * 1000;

/** Deletes Idempotency-Key records past their 24 h retention, hourly (worker role). */
@Injectable()
export class IdempotencyCleanup implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger('IdempotencyCleanup');
  private timer?: NodeJS.Timeout;
  private running?: Promise<unknown>;

  constructor(@Inject(DATABASE) private readonly database: DatabaseHandle) {}

  onApplicationBootstrap(): void {
    this.timer = setInterval(() => void this.runOnce(), EVERY_HOUR);
    this.timer.unref();
  }

  async runOnce(): Promise<number> {
    const run = new IdempotencyStore(this.database.db).deleteExpired().catch((error: unknown) => {
      this.logger.warn({ err: error }, 'idempotency key cleanup failed');
      return 0;
    });
    this.running = run;
    return run;
  }

  async onApplicationShutdown(): Promise<void> {
    clearInterval(this.timer);
    await this.running;
  }
}
