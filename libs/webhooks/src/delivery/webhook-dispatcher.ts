import { Logger } from '@nestjs/common';
import { Queue, UnrecoverableError, Worker, type Job } from 'bullmq';
import type { Redis } from 'ioredis';
import { sql } from 'kysely';
import type { Clock } from '../../../clock/src';
import { handleCommand } from '../../../event-store/src/handle-command';
import type { EventStore } from '../../../event-store/src/port';
import { createRedisConnection, type JobsOptions } from '../../../jobs/src/connection';
import { JOB_NAMES, QUEUES, jobId } from '../../../jobs/src/queues';
import type { DatabaseHandle } from '../../../persistence/src/database';
import { webhookDecider, webhookStream } from '../domain/webhook.decider';
import '../read-models/webhooks.schema';
import { HttpSender, type SendResult } from './http-sender';
import { DEFAULT_RETRY_SCHEDULE, retryDelayMs, type RetrySchedule } from './retry-schedule';
import { webhookHeaders } from './signature';
import { checkWebhookUrl, systemResolver, type HostResolver, type UrlPolicyEnv } from './url-policy';
import { RecurringSweep } from '../../../jobs/src/recurring-sweep';
import { logWorkerProblems } from '../../../jobs/src/worker-logging';

export const WEBHOOK_SWEEP_QUEUE = 'webhook-sweeps';
export const SWEEP_WEBHOOK_DELIVERIES = 'sweep-webhook-deliveries';

export interface DispatcherSettings {
  retry: RetrySchedule;
  /** An attempt without an answer in this time failed. */
  timeoutMs: number;
  /** Delivery jobs run in parallel per process (each sends its deliveries in parallel). */
  concurrency: number;
  /** Deliveries per job made by a sweep. */
  jobBatchSize: number;
  /** How often due rows are swept into jobs. */
  sweepEveryMs: number;
  sweepBatchSize: number;
  /** A swept row is not swept again this long: its job is in Redis (if Redis lost it, it is swept again). */
  enqueueLeaseMs: number;
  /** An attempt holds its row for the timeout plus this; a process that died frees it after that. */
  inFlightMarginMs: number;
  /** How often BullMQ looks for jobs of a worker that died. */
  stalledIntervalMs: number;
  /** How often a worker checks that the sweep scheduler still exists in Redis. */
  schedulerCheckMs: number;
  /** URL rules checked again before every attempt (production: public addresses only). */
  env: UrlPolicyEnv;
  resolver: HostResolver;
}

export const DEFAULT_DISPATCHER_SETTINGS: DispatcherSettings = {
  retry: DEFAULT_RETRY_SCHEDULE,
  timeoutMs: 10_000,
  concurrency: 20,
  jobBatchSize: 25,
  sweepEveryMs: 1000,
  sweepBatchSize: 1000,
  enqueueLeaseMs: 60_000,
  inFlightMarginMs: 5_000,
  stalledIntervalMs: 30_000,
  schedulerCheckMs: 10_000,
  env: 'development',
  resolver: systemResolver,
};

/** One delivery of a job, with the attempts made when the job was created. */
export interface DeliveryRef {
  deliveryId: string;
  /** The attempt runs only if no attempt was made since the job was created. */
  attempts: number;
}

export interface DeliveryJobData {
  deliveries: DeliveryRef[];
}

export type DeliveryOutcome = 'delivered' | 'retrying' | 'failed' | 'gone' | 'skipped';

interface ClaimedDelivery {
  delivery_id: string;
  attempts: number;
  body: string;
  message_id: string;
  webhook_id: string;
  url: string;
  secret: string | null;
  previous_secret: string | null;
}

interface Outcome {
  claimed: ClaimedDelivery;
  status: 'delivered' | 'failed' | 'pending';
  result: SendResult;
  /** Wait before the next attempt (status pending). */
  delayMs: number;
  kind: DeliveryOutcome;
}

const URL_CHECK_TTL_MS = 30_000;

/** The system actor of the sender's own commands (a 410 disables the registration). */
const SENDER_ACTOR = { userId: 'system:webhooks', tenantId: 'operator', roles: ['operator'] };

/**
 * Sends the outbox (ARCHITECTURE rule 10). PostgreSQL holds every delivery's state; Redis only
 * carries jobs, and a sweep (BullMQ job scheduler) turns due rows into jobs with deterministic ids,
 * so a delivery survives the death of any process and the loss of Redis.
 *
 * One attempt: claim the row (attempts + 1, held in flight for the timeout and a margin), sign,
 * POST, record the outcome. 2xx: delivered. 410: failed, and the registration is disabled. Else
 * a retry after the backoff (retry-schedule.ts), as a delayed job; after the last attempt: failed.
 * Swept rows travel in jobs of `jobBatchSize` deliveries, claimed and recorded in one statement each.
 */
export class WebhookDispatcher {
  private readonly logger = new Logger('Webhooks');
  private readonly connections: Redis[] = [];
  private readonly workers: Worker[] = [];
  private deliveryQueue: Queue<DeliveryJobData> | null = null;
  private sweepQueue: Queue | null = null;
  private recurringSweep: RecurringSweep | null = null;
  private readonly sender: HttpSender;
  /** URL checks of the last moments (production resolves the host: not once per delivery). */
  private readonly checkedUrls = new Map<string, { expires: number; check: Promise<URL> }>();
  readonly settings: DispatcherSettings;

  constructor(
    private readonly database: DatabaseHandle,
    private readonly store: EventStore,
    private readonly clock: Clock,
    private readonly jobs: JobsOptions,
    settings: Partial<DispatcherSettings> = {},
  ) {
    this.settings = { ...DEFAULT_DISPATCHER_SETTINGS, ...settings };
    this.sender = new HttpSender(this.settings.timeoutMs);
  }

  /** Starts the delivery worker, the sweep worker and the sweep scheduler (worker role). */
  async startWorkers(): Promise<void> {
    if (this.workers.length > 0) return;
    const deliveries = new Worker<DeliveryJobData>(QUEUES.webhooks, (job) => this.runDeliveryJob(job), {
      connection: this.connection('webhooks-worker'),
      prefix: this.jobs.prefix,
      concurrency: this.settings.concurrency,
      stalledInterval: this.settings.stalledIntervalMs,
      // A dead worker's jobs come back after this; a live worker renews its locks long before.
      lockDuration: Math.max(5_000, this.settings.timeoutMs + this.settings.inFlightMarginMs),
    });
    // The scheduler adds the next sweep only once the current one is done: a sweep job stuck with a
    // dead worker must come back quickly, or sweeping stops for everyone until it does.
    const sweeps = new Worker(WEBHOOK_SWEEP_QUEUE, (job) => this.runSweepJob(job), {
      connection: this.connection('webhook-sweeps-worker'),
      prefix: this.jobs.prefix,
      concurrency: 1,
      stalledInterval: this.settings.stalledIntervalMs,
      lockDuration: 5_000,
    });
    for (const worker of [deliveries, sweeps]) {
      logWorkerProblems(worker, this.logger);
      this.workers.push(worker);
    }
    await Promise.all(this.workers.map((worker) => worker.waitUntilReady()));
    await this.scheduler().start(this.settings.schedulerCheckMs);
  }

  /** Creates the repeating sweep if Redis lacks it (first start, or Redis lost its data). */
  async ensureSweepScheduler(): Promise<boolean> {
    return this.scheduler().ensure();
  }

  private scheduler(): RecurringSweep {
    this.recurringSweep ??= new RecurringSweep(() => this.sweeps(), SWEEP_WEBHOOK_DELIVERIES, this.settings.sweepEveryMs, (message) => this.logger.error(message));
    return this.recurringSweep;
  }

  /**
   * Turns due pending rows of active registrations into delivery jobs; keeps going while batches
   * come back full. A row swept is leased for `enqueueLeaseMs`, so the next sweeps skip it.
   */
  async sweep(): Promise<number> {
    let total = 0;
    for (let round = 0; round < 20; round++) {
      const { rows } = await sql<{ delivery_id: string; attempts: number; enqueued_until: Date }>`
        update webhook_delivery_status s
        set enqueued_until = now() + make_interval(secs => ${this.settings.enqueueLeaseMs / 1000}), updated_at = now()
        from (
          select s2.delivery_id
          from webhook_delivery_status s2
          join webhook_deliveries d on d.delivery_id = s2.delivery_id
          join webhook_registrations r on r.webhook_id = d.webhook_id
          where s2.status = 'pending'
            and s2.next_attempt_at <= now()
            and (s2.enqueued_until is null or s2.enqueued_until <= now())
            and (s2.in_flight_until is null or s2.in_flight_until <= now())
            and r.status = 'active'
          order by s2.next_attempt_at
          limit ${this.settings.sweepBatchSize}
          for update of s2 skip locked
        ) due
        where s.delivery_id = due.delivery_id
        returning s.delivery_id::text as delivery_id, s.attempts, s.enqueued_until
      `.execute(this.database.db);
      if (rows.length === 0) break;
      const jobs = [];
      for (let start = 0; start < rows.length; start += this.settings.jobBatchSize) {
        const batch = rows.slice(start, start + this.settings.jobBatchSize);
        jobs.push({
          name: JOB_NAMES.deliverWebhook,
          data: { deliveries: batch.map((row) => ({ deliveryId: row.delivery_id, attempts: row.attempts })) },
          opts: { jobId: deliveryJobId(batch[0].delivery_id, batch[0].attempts, batch[0].enqueued_until.getTime()), removeOnComplete: true, removeOnFail: true },
        });
      }
      await this.queue().addBulk(jobs);
      total += rows.length;
      if (rows.length < this.settings.sweepBatchSize) break;
    }
    return total;
  }

  /** One attempt of one delivery, if it is still due for the attempt the job was made for. */
  async deliver(deliveryId: string, expectedAttempts: number): Promise<DeliveryOutcome> {
    const [outcome] = await this.deliverBatch([{ deliveryId, attempts: expectedAttempts }]);
    return outcome?.kind ?? 'skipped';
  }

  /**
   * One attempt of each delivery still due for the attempt its job was made for (the others were
   * handled meanwhile and are skipped), sent in parallel.
   */
  async deliverBatch(refs: readonly DeliveryRef[]): Promise<Array<{ deliveryId: string; kind: DeliveryOutcome }>> {
    if (refs.length === 0) return [];
    const holdSeconds = (this.settings.timeoutMs + this.settings.inFlightMarginMs) / 1000;
    // The previous secret's grace period is business time (it comes from the rotation event).
    const now = this.clock.now().toISOString();
    const { rows: claimed } = await sql<ClaimedDelivery>`
      update webhook_delivery_status s
      set attempts = s.attempts + 1,
          in_flight_until = now() + make_interval(secs => ${holdSeconds}),
          enqueued_until = null,
          last_attempt_at = now(),
          updated_at = now()
      from unnest(${refs.map((ref) => ref.deliveryId)}::uuid[], ${refs.map((ref) => ref.attempts)}::int[]) as job(delivery_id, attempts),
           webhook_deliveries d, webhook_registrations r
      where s.delivery_id = job.delivery_id
        and s.attempts = job.attempts
        and d.delivery_id = s.delivery_id
        and r.webhook_id = d.webhook_id
        and s.status = 'pending'
        and r.status = 'active'
        and (s.in_flight_until is null or s.in_flight_until <= now())
      returning s.delivery_id::text as delivery_id, s.attempts, d.body, d.message_id::text as message_id, d.webhook_id, r.url,
        (select w.secret from webhook_secrets w where w.secret_id = r.secret_id::uuid) as secret,
        (select w.secret from webhook_secrets w
          where w.secret_id = r.previous_secret_id::uuid and r.previous_secret_valid_until > ${now}::timestamptz) as previous_secret
    `.execute(this.database.db);
    if (claimed.length === 0) return refs.map((ref) => ({ deliveryId: ref.deliveryId, kind: 'skipped' as const }));

    const outcomes = await Promise.all(claimed.map(async (delivery) => this.outcomeOf(delivery, await this.attempt(delivery))));
    await this.record(outcomes);
    const retries = outcomes.filter((outcome) => outcome.kind === 'retrying');
    if (retries.length > 0) {
      await this.queue().addBulk(
        retries.map(({ claimed: delivery, delayMs }) => ({
          name: JOB_NAMES.deliverWebhook,
          data: { deliveries: [{ deliveryId: delivery.delivery_id, attempts: delivery.attempts }] },
          opts: { jobId: deliveryJobId(delivery.delivery_id, delivery.attempts, 'retry'), delay: delayMs, removeOnComplete: true, removeOnFail: true },
        })),
      );
    }
    for (const outcome of outcomes.filter((o) => o.kind === 'gone')) await this.disable(outcome.claimed);

    const kinds = new Map(outcomes.map((outcome) => [outcome.claimed.delivery_id, outcome.kind]));
    return refs.map((ref) => ({ deliveryId: ref.deliveryId, kind: kinds.get(ref.deliveryId) ?? 'skipped' }));
  }

  /**
   * Sends a delivery again now, whatever its state (R-HOOK-1 `redeliver`). Returns false when
   * another attempt is in flight. The attempt counts like any other; a failure after the last
   * scheduled attempt leaves it `failed` again.
   */
  async redeliver(deliveryId: string): Promise<boolean> {
    const { rows } = await sql<{ attempts: number }>`
      update webhook_delivery_status
      set status = 'pending', next_attempt_at = now(), failed_at = null, delivered_at = null,
          enqueued_until = now() + make_interval(secs => ${this.settings.enqueueLeaseMs / 1000}), updated_at = now()
      where delivery_id = ${deliveryId}::uuid and (in_flight_until is null or in_flight_until <= now())
      returning attempts
    `.execute(this.database.db);
    if (rows.length === 0) return false;
    await this.queue().add(
      JOB_NAMES.deliverWebhook,
      { deliveries: [{ deliveryId, attempts: rows[0].attempts }] },
      { jobId: jobId('webhook', deliveryId, rows[0].attempts, 'redeliver', Date.now()), removeOnComplete: true, removeOnFail: true },
    );
    return true;
  }

  /** Graceful: running attempts finish, then workers, queues and connections close. */
  async stop(): Promise<void> {
    this.recurringSweep?.stop();
    const workers = this.workers.splice(0);
    await Promise.all(workers.map((worker) => worker.close()));
    const queues = [this.deliveryQueue, this.sweepQueue].filter((queue) => queue !== null);
    this.deliveryQueue = null;
    this.sweepQueue = null;
    await Promise.all(queues.map((queue) => queue.close()));
    const connections = this.connections.splice(0);
    await Promise.all(connections.map((connection) => connection.quit().catch(() => connection.disconnect())));
    this.sender.close();
  }

  /** The delivery queue (for tests and the API's redeliver). */
  queue(): Queue<DeliveryJobData> {
    this.deliveryQueue ??= new Queue<DeliveryJobData>(QUEUES.webhooks, { connection: this.connection('webhooks-queue'), prefix: this.jobs.prefix });
    return this.deliveryQueue;
  }

  private sweeps(): Queue {
    this.sweepQueue ??= new Queue(WEBHOOK_SWEEP_QUEUE, { connection: this.connection('webhook-sweeps-queue'), prefix: this.jobs.prefix });
    return this.sweepQueue;
  }

  private connection(name: string): Redis {
    const connection = createRedisConnection(this.jobs, name);
    this.connections.push(connection);
    return connection;
  }

  private checkUrl(raw: string): Promise<URL> {
    const now = Date.now();
    const cached = this.checkedUrls.get(raw);
    if (cached && cached.expires > now) return cached.check;
    if (this.checkedUrls.size > 10_000) this.checkedUrls.clear();
    const check = checkWebhookUrl(raw, this.settings.env, this.settings.resolver);
    check.catch(() => undefined);
    this.checkedUrls.set(raw, { expires: now + URL_CHECK_TTL_MS, check });
    return check;
  }

  private async attempt(claimed: ClaimedDelivery): Promise<SendResult> {
    let url: URL;
    try {
      url = await this.checkUrl(claimed.url);
    } catch (error) {
      return { statusCode: null, error: `url refused: ${(error as Error).message}` };
    }
    const secrets = [claimed.secret, claimed.previous_secret].filter((secret): secret is string => secret !== null);
    if (secrets.length === 0) return { statusCode: null, error: 'the registration has no signing secret' };
    // The timestamp is wall-clock time of the attempt: consumers check it against their own clock.
    const headers = webhookHeaders(secrets, claimed.message_id, Math.floor(Date.now() / 1000), claimed.body);
    return this.sender.send(url, { ...headers }, claimed.body);
  }

  private outcomeOf(claimed: ClaimedDelivery, result: SendResult): Outcome {
    if (result.statusCode !== null && result.statusCode >= 200 && result.statusCode < 300) {
      return { claimed, result, status: 'delivered', delayMs: 0, kind: 'delivered' };
    }
    if (result.statusCode === 410) return { claimed, result, status: 'failed', delayMs: 0, kind: 'gone' };
    if (claimed.attempts >= this.settings.retry.maxAttempts) return { claimed, result, status: 'failed', delayMs: 0, kind: 'failed' };
    return { claimed, result, status: 'pending', delayMs: retryDelayMs(this.settings.retry, claimed.attempts), kind: 'retrying' };
  }

  /** Every outcome of a batch in one statement (a row changed since its claim is left alone). */
  private async record(outcomes: readonly Outcome[]): Promise<void> {
    const leaseSeconds = this.settings.enqueueLeaseMs / 1000;
    await sql`
      update webhook_delivery_status s
      set status = o.status,
          in_flight_until = null,
          last_status_code = o.status_code,
          last_error = o.error,
          delivered_at = case when o.status = 'delivered' then now() else s.delivered_at end,
          failed_at = case when o.status = 'failed' then now() else null end,
          next_attempt_at = case when o.status = 'pending' then now() + make_interval(secs => o.delay_seconds) else s.next_attempt_at end,
          enqueued_until = case when o.status = 'pending' then now() + make_interval(secs => o.delay_seconds + ${leaseSeconds}) else null end,
          updated_at = now()
      from unnest(
        ${outcomes.map((o) => o.claimed.delivery_id)}::uuid[],
        ${outcomes.map((o) => o.claimed.attempts)}::int[],
        ${outcomes.map((o) => o.status)}::text[],
        ${outcomes.map((o) => o.result.statusCode)}::int[],
        ${outcomes.map((o) => (o.result.error === null ? null : o.result.error.slice(0, 500)))}::text[],
        ${outcomes.map((o) => o.delayMs / 1000)}::float8[]
      ) as o(delivery_id, attempts, status, status_code, error, delay_seconds)
      where s.delivery_id = o.delivery_id and s.attempts = o.attempts
    `.execute(this.database.db);
  }

  private async disable(claimed: ClaimedDelivery): Promise<void> {
    const now = this.clock.now();
    await handleCommand(
      this.store,
      webhookDecider,
      webhookStream(claimed.webhook_id),
      { type: 'DisableWebhook', webhookId: claimed.webhook_id, deliveryId: claimed.delivery_id, statusCode: 410, now: now.toISOString() },
      { actor: SENDER_ACTOR, correlationId: claimed.message_id, causationId: claimed.delivery_id, now },
    );
    this.logger.warn(`webhook ${claimed.webhook_id} answered 410 Gone: disabled`);
  }

  private async runDeliveryJob(job: Job<DeliveryJobData>): Promise<void> {
    if (job.name !== JOB_NAMES.deliverWebhook || !Array.isArray(job.data?.deliveries)) {
      throw new UnrecoverableError(`no processor for job "${job.name}"`);
    }
    await this.deliverBatch(job.data.deliveries);
  }

  private async runSweepJob(job: Job): Promise<void> {
    if (job.name !== SWEEP_WEBHOOK_DELIVERIES) throw new UnrecoverableError(`no processor for job "${job.name}"`);
    await this.sweep();
  }
}

/**
 * Deterministic per attempt and lease: sweeping a row twice within its lease adds one job, and a
 * job stuck with a dead worker does not block the job of the next lease.
 */
export function deliveryJobId(deliveryId: string, attempts: number, lease: number | 'retry'): string {
  return jobId('webhook', deliveryId, attempts, lease);
}
