import { createHash } from 'node:crypto';

/** Queue names of the project; every queue lives under the configured key prefix. */
export const QUEUES = {
  /** Timer jobs: each carries due rows of one kind (the job name). */
  timers: 'timers',
  /** The repeating sweep that turns due timer rows into timer jobs. */
  timerSweeps: 'timer-sweeps',
  /** Outgoing webhook deliveries. */
  webhooks: 'webhooks',
} as const;
export type QueueName = (typeof QUEUES)[keyof typeof QUEUES];

/** Job names that are not timer kinds. */
export const JOB_NAMES = {
  sweepDueTimers: 'sweep-due-timers',
  deliverWebhook: 'deliver-webhook',
} as const;

/** Payload of a timer job: copies of due-timers rows of one kind at sweep time. */
export interface TimerJobData {
  timers: DueTimerData[];
}

/** A due-timers row at sweep time (JSON-safe). */
export interface DueTimerData {
  timerId: string;
  kind: string;
  /** ISO-8601 instant. */
  dueAt: string;
  payload: Record<string, unknown>;
  streamName: string;
}

export interface SweepJobData {
  /** Nothing: the sweeper reads the clock when it runs. */
  readonly _?: never;
}

/**
 * BullMQ refuses custom job ids that are plain integers or that contain ':' (its own key
 * separator), so '%' and ':' in each part are percent-escaped and the parts are joined with '-'.
 */
export function jobId(...parts: Array<string | number>): string {
  if (parts.length === 0) throw new Error('a job id needs at least one part');
  return parts.map((part) => escapeJobIdPart(String(part))).join('-');
}

function escapeJobIdPart(part: string): string {
  return part.replace(/[%:]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase().padStart(2, '0')}`);
}

/**
 * Deterministic id of one scheduled occurrence of a timer: the ids of the events it appends derive
 * from it. The due instant is part of it, so a timer rescheduled under the same id is a new
 * occurrence (and lands in a new job even while an old failed one is kept).
 */
export function timerOccurrenceId(timerId: string, dueAt: Date | string): string {
  const instant = typeof dueAt === 'string' ? new Date(dueAt) : dueAt;
  if (Number.isNaN(instant.getTime())) throw new Error(`invalid due instant for timer ${timerId}`);
  return jobId('timer', timerId, instant.getTime());
}

/**
 * Deterministic id of the timer job for these rows (in sweep order): the same rows swept twice
 * while their job exists give one job.
 */
export function timerBatchJobId(kind: string, timers: ReadonlyArray<{ timerId: string; dueAt: Date | string }>): string {
  const occurrences = timers.map((timer) => timerOccurrenceId(timer.timerId, timer.dueAt)).join('\n');
  return jobId('timers', kind, createHash('sha256').update(occurrences).digest('hex').slice(0, 32));
}
