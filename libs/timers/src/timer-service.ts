import { Logger } from '@nestjs/common';
import { Queue, UnrecoverableError, Worker, type Job } from 'bullmq';
import type { Redis } from 'ioredis';
import type { Clock } from '../../clock/src';
import type { DatabaseHandle } from '../../persistence/src/database';
import { createRedisConnection, type JobsOptions } from '../../jobs/src/connection';
import { JOB_NAMES, QUEUES, timerBatchJobId, timerOccurrenceId, type DueTimerData, type TimerJobData } from '../../jobs/src/queues';
import './due-timers.schema';
import { declaredKinds, type DueTimerRow, type TimerRule } from './timer-rules';
import { RecurringSweep } from '../../jobs/src/recurring-sweep';
import { logWorkerProblems } from '../../jobs/src/worker-logging';

/** A due timer as a processor receives it. */
export interface DueTimer {
  timerId: string;
  kind: string;
  dueAt: Date;
  payload: Record<string, unknown>;
  streamName: string;
}

export interface TimerJobContext {
  /** Deterministic id of this timer occurrence (`timerOccurrenceId`): the ids of the events it appends derive from it. */
  occurrenceId: string;
  /** 1 for the first delivery. */
  attempt: number;
}

/**
 * Runs one kind of timer by sending an ordinary command. It must be idempotent: the same timer
 * may be delivered more than once (the decider ignores a transition not due or already done).
 */
export interface TimerProcessor {
  readonly kind: string;
  process(timer: DueTimer, context: TimerJobContext): Promise<void>;
}

export interface TimerServiceOptions {
  /** How often the job scheduler sweeps due rows into jobs. */
  sweepEveryMs?: number;
  /** Rows read per sweep page. */
  sweepBatchSize?: number;
  /** Timer jobs processed in parallel per process (each runs its rows at once). */
  concurrency?: number;
  /**
   * Due rows (of one kind) per timer job at most: one job's Redis round trips and bookkeeping serve
   * them all, and their commands reach the event store together (it batches reads and writes).
   */
  jobRows?: number;
  /** Deliveries of a timer job before it fails for good. */
  attempts?: number;
  /** First retry delay; doubles on each retry. */
  backoffMs?: number;
  /** A failed job is kept (and blocks a duplicate) this long, then the next sweep retries it. */
  keepFailedSeconds?: number;
  /** How often a worker checks that the sweep scheduler still exists in Redis. */
  schedulerCheckMs?: number;
  /**
   * Rows one scheduled sweep turns into jobs at most; a scheduled sweep also waits while that many
   * rows are still queued, so the jobs in Redis stay bounded however many are due.
   */
  sweepMaxRows?: number;
  /** How long a worker's claim on a timer job lasts unless renewed; a killed worker's jobs return after it. */
  lockDurationMs?: number;
  /** How often a worker looks for jobs whose worker died. */
  stalledIntervalMs?: number;
}

/** The last row a sweep enqueued: the next scheduled sweep goes on after it. */
export interface SweepCursor {
  dueAt: Date;
  timerId: string;
}

export interface SweepResult {
  /** Due rows turned into jobs (a job that already existed is not duplicated). */
  swept: DueTimerRow[];
}

export type JobCounts = Record<'waiting' | 'active' | 'delayed' | 'prioritized' | 'paused' | 'waiting-children', number>;

export class TimersIdleTimeoutError extends Error {
  constructor(readonly counts: JobCounts) {
    super(`timer jobs still pending: ${JSON.stringify(counts)}`);
    this.name = 'TimersIdleTimeoutError';
  }
}

/** `timerId@dueAt`: identifies one scheduled occurrence of a timer. */
export const occurrenceKey = (row: Pick<DueTimerRow, 'timerId' | 'dueAt'>): string => `${row.timerId}@${row.dueAt.toISOString()}`;

/**
 * ARCHITECTURE rule 6: due rows live in PostgreSQL; a BullMQ job scheduler sweeps them into timer
 * jobs with deterministic ids, and processors (one per kind) send ordinary commands.
 */
export class TimerService {
  private readonly logger = new Logger('Timers');
  private readonly processors = new Map<string, TimerProcessor>();
  private readonly connections: Redis[] = [];
  private readonly workers: Worker[] = [];
  private timersQueue: Queue<TimerJobData> | null = null;
  private sweepQueue: Queue | null = null;
  private recurringSweep: RecurringSweep | null = null;
  private readonly settings: Required<TimerServiceOptions>;

  constructor(
    private readonly database: DatabaseHandle,
    private readonly clock: Clock,
    private readonly jobs: JobsOptions,
    readonly rules: readonly TimerRule[],
    processors: readonly TimerProcessor[],
    options: TimerServiceOptions = {},
  ) {
    this.settings = {
      sweepEveryMs: options.sweepEveryMs ?? 1000,
      sweepBatchSize: options.sweepBatchSize ?? 1000,
      concurrency: options.concurrency ?? 5,
      jobRows: options.jobRows ?? 50,
      attempts: options.attempts ?? 8,
      backoffMs: options.backoffMs ?? 1000,
      keepFailedSeconds: options.keepFailedSeconds ?? 24 * 3600,
      schedulerCheckMs: options.schedulerCheckMs ?? 10_000,
      sweepMaxRows: options.sweepMaxRows ?? 10_000,
      // Timer jobs are short commands: a dead worker's jobs come back within seconds, not 30 s.
      lockDurationMs: options.lockDurationMs ?? 10_000,
      stalledIntervalMs: options.stalledIntervalMs ?? 5_000,
    };
    for (const processor of processors) {
      if (this.processors.has(processor.kind)) throw new Error(`timer kind "${processor.kind}" has two processors`);
      this.processors.set(processor.kind, processor);
    }
    const missing = [...declaredKinds(rules)].filter((kind) => !this.processors.has(kind));
    if (missing.length > 0) throw new Error(`timer kind(s) without a processor: ${missing.join(', ')}`);
  }

  get kinds(): string[] {
    return [...this.processors.keys()];
  }

  /** Fails when stored rows have a kind no processor handles (their work would be lost). */
  async checkStoredKinds(): Promise<void> {
    let rows: Array<{ kind: string }>;
    try {
      rows = await this.database.db.selectFrom('due_timers').select('kind').distinct().execute();
    } catch (error) {
      if ((error as { code?: string }).code === '42P01') return; // not migrated yet
      throw error;
    }
    const missing = rows.map((row) => row.kind).filter((kind) => !this.processors.has(kind));
    if (missing.length > 0) throw new Error(`due timers of kind(s) without a processor: ${missing.join(', ')}`);
  }

  /** Starts the timer worker, the sweep worker and the sweep scheduler (worker role). */
  async startWorkers(): Promise<void> {
    if (this.workers.length > 0) return;
    const timersWorker = new Worker<TimerJobData>(QUEUES.timers, (job) => this.runTimerJob(job), {
      connection: this.connection('timers-worker'),
      prefix: this.jobs.prefix,
      concurrency: this.settings.concurrency,
      lockDuration: this.settings.lockDurationMs,
      stalledInterval: this.settings.stalledIntervalMs,
    });
    const sweepWorker = new Worker(QUEUES.timerSweeps, (job) => this.runSweepJob(job), {
      connection: this.connection('timer-sweeps-worker'),
      prefix: this.jobs.prefix,
      concurrency: 1,
      // A sweep held by a killed worker blocks all sweeping until its lock expires: keep it short
      // (BullMQ renews it while a live sweep runs).
      lockDuration: 5_000,
    });
    for (const worker of [timersWorker, sweepWorker]) {
      logWorkerProblems(worker, this.logger);
      this.workers.push(worker);
    }
    await Promise.all(this.workers.map((worker) => worker.waitUntilReady()));
    await this.scheduler().start(this.settings.schedulerCheckMs);
  }

  /**
   * Creates the repeating sweep if Redis does not have it (first start, or Redis lost its data).
   * Returns true when it had to create it.
   */
  async ensureSweepScheduler(): Promise<boolean> {
    return this.scheduler().ensure();
  }

  private scheduler(): RecurringSweep {
    this.recurringSweep ??= new RecurringSweep(() => this.sweeps(), JOB_NAMES.sweepDueTimers, this.settings.sweepEveryMs, (message) => this.logger.error(message));
    return this.recurringSweep;
  }

  /**
   * Enqueues the rows due at or before `now` (after `after`, at most `maxRows`, earliest first) as
   * timer jobs of up to `jobRows` rows of one kind. Job ids follow from the rows, so sweeping the
   * same rows again while their job exists adds nothing.
   */
  async sweepDue(now: Date, maxRows = Number.POSITIVE_INFINITY, after: SweepCursor | null = null): Promise<SweepResult> {
    const swept: DueTimerRow[] = [];
    for (;;) {
      let query = this.database.db
        .selectFrom('due_timers')
        .selectAll()
        .where('due_at', '<=', now)
        .orderBy('due_at')
        .orderBy('timer_id')
        .limit(Math.min(this.settings.sweepBatchSize, maxRows - swept.length));
      if (after) {
        const { dueAt, timerId } = after;
        query = query.where((eb) => eb(eb.refTuple('due_at', 'timer_id'), '>', eb.tuple(dueAt, timerId)));
      }
      const rows = (await query.execute()).map(toRow);
      if (rows.length === 0) break;
      await this.queue().addBulk(
        jobsOf(rows, this.settings.jobRows).map((timers) => ({
          name: timers[0].kind,
          data: { timers },
          opts: {
            jobId: timerBatchJobId(timers[0].kind, timers),
            attempts: this.settings.attempts,
            backoff: { type: 'exponential', delay: this.settings.backoffMs },
            removeOnComplete: true,
            removeOnFail: { age: this.settings.keepFailedSeconds },
          },
        })),
      );
      swept.push(...rows);
      if (rows.length < this.settings.sweepBatchSize || swept.length >= maxRows) break;
      const last = rows[rows.length - 1];
      after = { dueAt: last.dueAt, timerId: last.timerId };
    }
    return { swept };
  }

  /**
   * What the job scheduler runs. While a sweep's worth of rows is still queued it adds nothing
   * (Redis stays bounded). Otherwise it goes on after the last row it enqueued, so rows already
   * queued or running are not swept again, and starts over from the earliest due row once every
   * timer job has finished: rows still due then were not done (a failure, a lost Redis).
   */
  async scheduledSweep(): Promise<SweepResult> {
    const counts = await this.pendingJobCounts();
    const queued = counts.waiting + counts.prioritized + counts.delayed;
    if (queued * this.settings.jobRows >= this.settings.sweepMaxRows) return { swept: [] };
    const drained = queued + counts.active === 0;
    const redis = await this.queue().client;
    const cursorKey = `${this.jobs.prefix}:${QUEUES.timers}:sweep-cursor`;
    const after = drained ? null : parseCursor(await redis.get(cursorKey));
    const result = await this.sweepDue(this.clock.now(), this.settings.sweepMaxRows, after);
    const last = result.swept.at(-1);
    if (last) await redis.set(cursorKey, JSON.stringify({ dueAt: last.dueAt.toISOString(), timerId: last.timerId }));
    else if (drained) await redis.del(cursorKey);
    return result;
  }

  /** The earliest row due at or before `notAfter`, skipping the given occurrences. */
  async nextDue(notAfter: Date, skip: ReadonlySet<string> = new Set()): Promise<DueTimerRow | null> {
    const rows = await this.database.db
      .selectFrom('due_timers')
      .selectAll()
      .where('due_at', '<=', notAfter)
      .orderBy('due_at')
      .orderBy('timer_id')
      .limit(skip.size + 1)
      .execute();
    return rows.map(toRow).find((row) => !skip.has(occurrenceKey(row))) ?? null;
  }

  async find(timerIds: readonly string[]): Promise<DueTimerRow[]> {
    if (timerIds.length === 0) return [];
    const rows = await this.database.db.selectFrom('due_timers').selectAll().where('timer_id', 'in', timerIds).execute();
    return rows.map(toRow);
  }

  /** Rows due at or before `notAfter`, earliest first. */
  async due(notAfter: Date, limit = 100): Promise<DueTimerRow[]> {
    const rows = await this.database.db
      .selectFrom('due_timers')
      .selectAll()
      .where('due_at', '<=', notAfter)
      .orderBy('due_at')
      .orderBy('timer_id')
      .limit(limit)
      .execute();
    return rows.map(toRow);
  }

  /** Timer jobs not yet finished (failed and completed jobs do not count). */
  async pendingJobCounts(): Promise<JobCounts> {
    const counts = await this.queue().getJobCounts('waiting', 'active', 'delayed', 'prioritized', 'paused', 'waiting-children');
    return counts as JobCounts;
  }

  /** Resolves when no timer job is waiting, delayed or running. */
  async waitForIdle(timeoutMs = 10_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const counts = await this.pendingJobCounts();
      if (Object.values(counts).every((count) => count === 0)) return;
      if (Date.now() >= deadline) throw new TimersIdleTimeoutError(counts);
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  }

  /** Timer jobs that failed for good (kept for `keepFailedSeconds`). */
  async failedJobs(limit = 20): Promise<Array<{ id: string | undefined; name: string; reason: string }>> {
    const jobs = await this.queue().getFailed(0, limit - 1);
    return jobs.map((job) => ({ id: job.id, name: job.name, reason: job.failedReason }));
  }

  /** Graceful: lets running jobs finish, then closes workers, queues and connections. */
  async stop(): Promise<void> {
    this.recurringSweep?.stop();
    const workers = this.workers.splice(0);
    await Promise.all(workers.map((worker) => worker.close()));
    const queues = [this.timersQueue, this.sweepQueue].filter((queue) => queue !== null);
    this.timersQueue = null;
    this.sweepQueue = null;
    await Promise.all(queues.map((queue) => queue.close()));
    const connections = this.connections.splice(0);
    await Promise.all(connections.map((connection) => connection.quit().catch(() => connection.disconnect())));
  }

  /** The timers queue (for tests and the test clock). */
  queue(): Queue<TimerJobData> {
    this.timersQueue ??= new Queue<TimerJobData>(QUEUES.timers, { connection: this.connection('timers-queue'), prefix: this.jobs.prefix });
    return this.timersQueue;
  }

  private sweeps(): Queue {
    this.sweepQueue ??= new Queue(QUEUES.timerSweeps, { connection: this.connection('timer-sweeps-queue'), prefix: this.jobs.prefix });
    return this.sweepQueue;
  }

  private connection(name: string): Redis {
    const connection = createRedisConnection(this.jobs, name);
    this.connections.push(connection);
    return connection;
  }

  /** Runs every row of the job at once; if any failed, the job is retried (rows done before are ignored by their deciders). */
  private async runTimerJob(job: Job<TimerJobData>): Promise<void> {
    const processor = this.processors.get(job.name);
    if (!processor) throw new UnrecoverableError(`no processor for timer kind "${job.name}"`);
    const attempt = job.attemptsMade + 1;
    const timers = job.data.timers;
    const outcomes = await Promise.allSettled(
      timers.map(({ timerId, kind, dueAt, payload, streamName }) =>
        processor.process({ timerId, kind, dueAt: new Date(dueAt), payload, streamName }, { occurrenceId: timerOccurrenceId(timerId, dueAt), attempt }),
      ),
    );
    const failures = outcomes.flatMap((outcome, index) => (outcome.status === 'rejected' ? [{ timer: timers[index], reason: outcome.reason as unknown }] : []));
    if (failures.length === 0) return;
    const [first] = failures;
    const message = first.reason instanceof Error ? first.reason.message : String(first.reason);
    throw new Error(`${failures.length} of ${timers.length} timers failed; ${first.timer.timerId} due ${first.timer.dueAt}: ${message}`);
  }

  private async runSweepJob(job: Job): Promise<void> {
    if (job.name !== JOB_NAMES.sweepDueTimers) throw new UnrecoverableError(`no processor for job "${job.name}"`);
    await this.scheduledSweep();
  }
}

function toRow(row: {
  timer_id: string;
  kind: string;
  due_at: Date;
  payload: Record<string, unknown>;
  stream_name: string;
  created_at: Date;
}): DueTimerRow {
  return {
    timerId: row.timer_id,
    kind: row.kind,
    dueAt: row.due_at,
    payload: row.payload,
    streamName: row.stream_name,
    createdAt: row.created_at,
  };
}

/** Consecutive rows of one kind, at most `size` per job, in sweep order. */
function jobsOf(rows: readonly DueTimerRow[], size: number): DueTimerData[][] {
  const jobs: DueTimerData[][] = [];
  let current: DueTimerData[] = [];
  for (const row of rows) {
    if (current.length > 0 && (current.length >= size || current[0].kind !== row.kind)) {
      jobs.push(current);
      current = [];
    }
    current.push({ timerId: row.timerId, kind: row.kind, dueAt: row.dueAt.toISOString(), payload: row.payload, streamName: row.streamName });
  }
  if (current.length > 0) jobs.push(current);
  return jobs;
}

function parseCursor(text: string | null): SweepCursor | null {
  if (!text) return null;
  try {
    const { dueAt, timerId } = JSON.parse(text) as { dueAt?: unknown; timerId?: unknown };
    const instant = typeof dueAt === 'string' ? new Date(dueAt) : null;
    return instant && !Number.isNaN(instant.getTime()) && typeof timerId === 'string' ? { dueAt: instant, timerId } : null;
  } catch {
    // A cursor that cannot be read only means starting over: the job ids dedupe what is queued.
    return null;
  }
}
