/**
 * Retries back off exponentially: the n-th retry waits `baseMs * 2^(n-1)`. With the defaults
 * (13 attempts, base 1 minute) the retries come after 1, 2, 4, 8, 16, 32 minutes, 1h04, 2h08,
 * 4h16, 8h32, 17h04 and 34h08: the last attempt is about 2 days 20 hours after the first,
 * and the delivery is `failed` when it fails too.
 */
export interface RetrySchedule {
  /** Attempts in all, the first one included. */
  maxAttempts: number;
  /** Wait before the first retry; doubles on each retry. */
  baseMs: number;
}

export const DEFAULT_RETRY_SCHEDULE: RetrySchedule = { maxAttempts: 13, baseMs: 60_000 };

/** Wait after the `attempt`-th attempt (1-based) failed, before the next one. */
export function retryDelayMs(schedule: RetrySchedule, attempt: number): number {
  return schedule.baseMs * 2 ** Math.max(0, attempt - 1);
}

/** Time from the first attempt to the last one when every attempt fails. */
export function totalRetrySpanMs(schedule: RetrySchedule): number {
  let total = 0;
  for (let attempt = 1; attempt < schedule.maxAttempts; attempt++) total += retryDelayMs(schedule, attempt);
  return total;
}
