import type { AppEnv } from '../../config/src/app-config';
import { DEFAULT_DISPATCHER_SETTINGS, type DispatcherSettings } from './delivery/webhook-dispatcher';

/** Injection token: the dispatcher settings of the process. */
export const WEBHOOK_SETTINGS = Symbol('WEBHOOK_SETTINGS');
/** Optional global provider (tests): settings laid over those from the environment. */
export const WEBHOOK_SETTINGS_OVERRIDE = Symbol('WEBHOOK_SETTINGS_OVERRIDE');

/** Environment variables that tune delivery; every one is optional. */
const INTEGER_KEYS = {
  WEBHOOKS_MAX_ATTEMPTS: (s: DispatcherSettings, v: number) => ({ ...s, retry: { ...s.retry, maxAttempts: v } }),
  WEBHOOKS_RETRY_BASE_MS: (s: DispatcherSettings, v: number) => ({ ...s, retry: { ...s.retry, baseMs: v } }),
  WEBHOOKS_TIMEOUT_MS: (s: DispatcherSettings, v: number) => ({ ...s, timeoutMs: v }),
  WEBHOOKS_CONCURRENCY: (s: DispatcherSettings, v: number) => ({ ...s, concurrency: v }),
  WEBHOOKS_JOB_BATCH_SIZE: (s: DispatcherSettings, v: number) => ({ ...s, jobBatchSize: v }),
  WEBHOOKS_SWEEP_EVERY_MS: (s: DispatcherSettings, v: number) => ({ ...s, sweepEveryMs: v }),
  WEBHOOKS_ENQUEUE_LEASE_MS: (s: DispatcherSettings, v: number) => ({ ...s, enqueueLeaseMs: v }),
  WEBHOOKS_IN_FLIGHT_MARGIN_MS: (s: DispatcherSettings, v: number) => ({ ...s, inFlightMarginMs: v }),
  WEBHOOKS_STALLED_INTERVAL_MS: (s: DispatcherSettings, v: number) => ({ ...s, stalledIntervalMs: v }),
  WEBHOOKS_SCHEDULER_CHECK_MS: (s: DispatcherSettings, v: number) => ({ ...s, schedulerCheckMs: v }),
} as const satisfies Record<string, (settings: DispatcherSettings, value: number) => DispatcherSettings>;

/** The defaults, tuned by `WEBHOOKS_*` variables; a bad value stops the start with its key named. */
export function webhookSettingsFromEnv(env: Record<string, string | undefined>, appEnv: AppEnv): DispatcherSettings {
  let settings: DispatcherSettings = { ...DEFAULT_DISPATCHER_SETTINGS, env: appEnv };
  const problems: string[] = [];
  for (const [key, apply] of Object.entries(INTEGER_KEYS)) {
    const raw = env[key]?.trim();
    if (!raw) continue;
    const value = Number(raw);
    if (!Number.isInteger(value) || value < 1) {
      problems.push(`${key} must be a positive integer (got "${raw}")`);
      continue;
    }
    settings = apply(settings, value);
  }
  if (problems.length > 0) throw new Error(`Invalid webhook configuration: ${problems.join('; ')}`);
  return settings;
}
