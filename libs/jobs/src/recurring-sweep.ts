import type { Queue } from 'bullmq';

/**
 * A BullMQ job scheduler that repeats a sweep job every `everyMs`, with a watchdog that
 * re-creates it when Redis lost it (first start, a flush, a failover without persistence).
 * The sweeps themselves read PostgreSQL, so a lost scheduler only delays work, never loses it.
 */
export class RecurringSweep {
  private watchdog: NodeJS.Timeout | null = null;

  constructor(
    private readonly queue: () => Queue,
    private readonly jobName: string,
    private readonly everyMs: number,
    private readonly onError: (message: string) => void,
  ) {}

  /** Creates the scheduler if Redis does not have it; true when it had to create it. */
  async ensure(): Promise<boolean> {
    const queue = this.queue();
    if (await queue.getJobScheduler(this.jobName)) return false;
    await queue.upsertJobScheduler(
      this.jobName,
      { every: this.everyMs },
      { name: this.jobName, data: {}, opts: { removeOnComplete: true, removeOnFail: 100 } },
    );
    return true;
  }

  async start(checkEveryMs: number): Promise<void> {
    await this.ensure();
    this.stop();
    this.watchdog = setInterval(() => {
      this.ensure().catch((error: Error) => this.onError(`sweep scheduler check failed: ${error.message}`));
    }, checkEveryMs);
    this.watchdog.unref();
  }

  stop(): void {
    if (this.watchdog) clearInterval(this.watchdog);
    this.watchdog = null;
  }
}
