import { Inject, Injectable, Logger, Optional } from '@nestjs/common';
import { Clock, ControllableClock } from '../../../clock/src';
import { CatchUpTimeoutError, ProjectionRunner, type LaggingProjection } from '../../../event-store/src/projections/projection-runner';
import { occurrenceKey, TimerService, TimersIdleTimeoutError, type JobCounts } from '../timer-service';

export const TEST_CLOCK_OPTIONS = Symbol('TEST_CLOCK_OPTIONS');

export interface TestClockOptions {
  /** Longest a clock change may take before it answers 504. */
  timeoutMs?: number;
}

export interface ClockMove {
  now: string;
  /** Timers that ran during the move, in the order they ran. */
  fired: Array<{ timerId: string; kind: string; dueAt: string }>;
  /** Timers that were due and processed but whose row stayed (a failed job or a rule that keeps it). */
  unprocessed: Array<{ timerId: string; kind: string; dueAt: string }>;
}

export interface PendingWork {
  timerJobs: JobCounts | null;
  laggingProjections: LaggingProjection[];
  dueTimers: Array<{ timerId: string; kind: string; dueAt: string }>;
}

export class TestClockTimeoutError extends Error {
  constructor(
    readonly target: Date,
    readonly pending: PendingWork,
  ) {
    super(`work due by ${target.toISOString()} did not finish in time`);
    this.name = 'TestClockTimeoutError';
  }
}

/**
 * Moves business time for tests (ARCHITECTURE rule 7). A move forwards goes from due instant to
 * due instant: set the clock there, sweep, wait until the timer jobs ran and the projections
 * caught up (the resulting events may add or remove timers), repeat; then set the target.
 *
 * Moving backwards (PUT with an earlier instant) only sets the clock: what already ran stays
 * done, and timers still in the table fire again when the clock passes them.
 */
@Injectable()
export class TestClockService {
  private readonly logger = new Logger('TestClock');
  private readonly clock: ControllableClock;
  private readonly timeoutMs: number;
  private moving: Promise<unknown> = Promise.resolve();

  constructor(
    @Inject(Clock) clock: Clock,
    private readonly timers: TimerService,
    private readonly projections: ProjectionRunner,
    @Optional() @Inject(TEST_CLOCK_OPTIONS) options?: TestClockOptions,
  ) {
    if (!(clock instanceof ControllableClock)) {
      throw new Error('the test clock needs a ControllableClock bound to Clock (APP_ENV=test)');
    }
    this.clock = clock;
    this.timeoutMs = options?.timeoutMs ?? 30_000;
  }

  now(): Date {
    return this.clock.now();
  }

  /** Moves to `target`, running every timer due on the way. One move at a time. */
  moveTo(target: Date): Promise<ClockMove> {
    const run = this.moving.then(
      () => this.runMove(target),
      () => this.runMove(target),
    );
    this.moving = run.catch(() => undefined);
    return run;
  }

  advance(by: { days?: number; hours?: number; minutes?: number }): Promise<ClockMove> {
    // Read "now" inside the queue so that consecutive advances add up.
    const run = this.moving.then(() => this.runMove(addDuration(this.clock.now(), by)));
    this.moving = run.catch(() => undefined);
    return run;
  }

  private async runMove(target: Date): Promise<ClockMove> {
    const deadline = Date.now() + this.timeoutMs;
    const fired: ClockMove['fired'] = [];
    const unprocessed: ClockMove['unprocessed'] = [];
    const skip = new Set<string>();
    try {
      // Events written before the move must be in due_timers before it is read.
      await this.settle(deadline);
      for (;;) {
        const next = await this.timers.nextDue(target, skip);
        if (!next) break;
        if (Date.now() >= deadline) throw new TestClockTimeoutError(target, await this.pending(target));
        if (next.dueAt > this.clock.now()) this.clock.set(next.dueAt);
        const { swept } = await this.timers.sweepDue(this.clock.now());
        await this.settle(deadline);
        const still = new Set((await this.timers.find(swept.map((row) => row.timerId))).map(occurrenceKey));
        for (const row of swept) {
          const entry = { timerId: row.timerId, kind: row.kind, dueAt: row.dueAt.toISOString() };
          if (still.has(occurrenceKey(row))) {
            skip.add(occurrenceKey(row));
            unprocessed.push(entry);
            this.logger.warn(`timer ${row.timerId} (${row.kind}) due ${entry.dueAt} ran but its row stayed`);
          } else {
            fired.push(entry);
          }
        }
      }
      this.clock.set(target);
      return { now: target.toISOString(), fired, unprocessed };
    } catch (error) {
      if (error instanceof TimersIdleTimeoutError || error instanceof CatchUpTimeoutError) {
        throw new TestClockTimeoutError(target, await this.pending(target));
      }
      throw error;
    }
  }

  /** Timer queue drained, then every projection at the head of the log. */
  private async settle(deadline: number): Promise<void> {
    await this.timers.waitForIdle(Math.max(0, deadline - Date.now()));
    await this.projections.waitForCatchUp(Math.max(0, deadline - Date.now()));
  }

  private async pending(target: Date): Promise<PendingWork> {
    const [timerJobs, laggingProjections, due] = await Promise.all([
      this.timers.pendingJobCounts().catch(() => null),
      this.projections.lagging().catch(() => []),
      this.timers.due(target, 20).catch(() => []),
    ]);
    return {
      timerJobs,
      laggingProjections,
      dueTimers: due.map((row) => ({ timerId: row.timerId, kind: row.kind, dueAt: row.dueAt.toISOString() })),
    };
  }
}

export function addDuration(from: Date, by: { days?: number; hours?: number; minutes?: number }): Date {
  const ms = (((by.days ?? 0) * 24 + (by.hours ?? 0)) * 60 + (by.minutes ?? 0)) * 60_000;
  return new Date(from.getTime() + ms);
}
