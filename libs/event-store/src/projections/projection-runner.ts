import { Logger } from '@nestjs/common';
import { sql } from 'kysely';
import type { ClientConfig } from 'pg';
import type { RecordedEvent } from '../../../core/src';
import type { DatabaseHandle } from '../../../persistence/src/database';
import type { EventStore } from '../port';
import { PostgresEventStore } from '../postgres/postgres-event-store';
import { AdvisoryLockConnection } from './advisory-lock-connection';
import { postgresCommittedHead } from './committed-head';
import './checkpoints.schema';
import type { Projection } from './projection';

/** A projection instance, or a class with a no-argument constructor. */
export type ProjectionDefinition = Projection | (new () => Projection);

const PROJECTION_NAME = /^[a-z][a-z0-9_]*_v[0-9]+$/;

/** Instantiates the definitions; names must be unique and look like `<name>_v<N>`. */
export function instantiateProjections(definitions: readonly ProjectionDefinition[]): Projection[] {
  const projections = definitions.map((definition) => (typeof definition === 'function' ? new definition() : definition));
  const seen = new Set<string>();
  for (const projection of projections) {
    if (!PROJECTION_NAME.test(projection.name)) {
      throw new Error(`projection name "${projection.name}" must look like <snake_case_name>_v<N>`);
    }
    if (seen.has(projection.name)) throw new Error(`projection "${projection.name}" is registered twice`);
    seen.add(projection.name);
  }
  return projections;
}

/** Positions are opaque strings that sort lexicographically in log order (EventStore port). */
export function positionReached(position: string | null, target: string | null): boolean {
  if (target === null) return true;
  if (position === null) return false;
  return position >= target;
}

/** The events of a batch the projection wants (an empty or missing list means all). */
export function eventsOfInterest(projection: Pick<Projection, 'eventTypes'>, events: RecordedEvent[]): RecordedEvent[] {
  if (!projection.eventTypes || projection.eventTypes.length === 0) return events;
  const wanted = new Set(projection.eventTypes);
  return events.filter((event) => wanted.has(event.type));
}

export const projectionLockName = (name: string): string => `projection:${name}`;

export interface RebuildProgress {
  projection: string;
  /** Events read since the reset. */
  done: number;
  /** Events in the log when the rebuild started (null when unknown); `done` may pass it. */
  total: number | null;
}

export interface ProjectionStatus {
  name: string;
  /** This runner holds the projection's advisory lock (it is the active runner). */
  active: boolean;
  /** Last committed position as this runner knows it (undefined: not read yet). */
  position: string | null | undefined;
  lastError: string | null;
}

export interface LaggingProjection {
  name: string;
  position: string | null;
}

export class CheckpointMovedError extends Error {
  constructor(
    readonly projection: string,
    readonly expected: string | null,
  ) {
    super(`checkpoint of ${projection} is no longer ${expected ?? 'null'}: another runner moved it`);
    this.name = 'CheckpointMovedError';
  }
}

export class CatchUpTimeoutError extends Error {
  constructor(
    readonly head: string | null,
    readonly lagging: LaggingProjection[],
  ) {
    super(`projections did not reach ${head}: ${lagging.map((l) => `${l.name} at ${l.position ?? 'start'}`).join(', ')}`);
    this.name = 'CatchUpTimeoutError';
  }
}

export class ProjectionLockedError extends Error {
  constructor(readonly projection: string) {
    super(`projection ${projection} is being run by another process; stop its workers or bump its version`);
    this.name = 'ProjectionLockedError';
  }
}

export interface RunnerLogger {
  log(message: string): void;
  warn(message: string): void;
  error(message: string, stack?: string): void;
}

export interface ProjectionRunnerOptions {
  /** Events read per transaction. */
  batchSize?: number;
  /** Events read per transaction during a rebuild (larger: fewer commits and row rewrites). */
  rebuildBatchSize?: number;
  /** Pause when caught up before reading again. */
  pollIntervalMs?: number;
  /** Pause of a standing-by runner before it tries the lock again. */
  lockRetryMs?: number;
  /** Longest pause after a failed batch (backs off exponentially from 250 ms). */
  maxErrorBackoffMs?: number;
  /**
   * The position `waitForCatchUp` waits for. Defaults to the last committed event for the
   * PostgreSQL store (its `headPosition` stops below any running transaction of the whole
   * server), to the store's `headPosition` otherwise.
   */
  headPosition?: () => Promise<string | null>;
  /** Counts the events of the log, for rebuild progress; without it `total` is null. */
  countEvents?: () => Promise<number>;
  /** Connection settings of the session that holds the locks; defaults to the pool's. */
  lockConnection?: ClientConfig;
  logger?: RunnerLogger;
}

interface Slot {
  projection: Projection;
  lockHeld: boolean;
  /** Cached checkpoint; undefined = read it from the table first. */
  position: string | null | undefined;
  /** Serializes batches and rebuilds of one projection inside this runner. */
  queue: Promise<unknown>;
  wake: (() => void) | null;
  loop: Promise<void> | null;
  failures: number;
  lastError: string | null;
  /** The next batch, read while the current one is being handled. */
  prefetch: { after: string; limit: number; events: Promise<RecordedEvent[]> } | null;
}

/**
 * Runs projections (ARCHITECTURE rule 4): per projection one active runner (session advisory lock
 * `projection:<name>`, others stand by and retry), batches from `readAll`, and each batch's rows and
 * checkpoint committed in one transaction with a compare-and-set on the checkpoint.
 */
export class ProjectionRunner {
  private readonly slots = new Map<string, Slot>();
  private readonly locks: AdvisoryLockConnection;
  private readonly batchSize: number;
  private readonly rebuildBatchSize: number;
  private readonly pollIntervalMs: number;
  private readonly lockRetryMs: number;
  private readonly maxErrorBackoffMs: number;
  private readonly logger: RunnerLogger;
  private readonly headPosition: () => Promise<string | null>;
  private running = false;

  constructor(
    private readonly store: EventStore,
    private readonly database: DatabaseHandle,
    projections: readonly Projection[],
    private readonly options: ProjectionRunnerOptions = {},
  ) {
    this.batchSize = options.batchSize ?? 500;
    this.rebuildBatchSize = options.rebuildBatchSize ?? Math.max(this.batchSize, 5000);
    this.pollIntervalMs = options.pollIntervalMs ?? 150;
    this.lockRetryMs = options.lockRetryMs ?? 1000;
    this.maxErrorBackoffMs = options.maxErrorBackoffMs ?? 30_000;
    this.logger = options.logger ?? new Logger('ProjectionRunner');
    this.headPosition =
      options.headPosition ?? (store instanceof PostgresEventStore ? postgresCommittedHead(database.db) : () => store.headPosition());
    for (const projection of instantiateProjections(projections)) {
      this.slots.set(projection.name, {
        projection,
        lockHeld: false,
        position: undefined,
        queue: Promise.resolve(),
        wake: null,
        loop: null,
        failures: 0,
        lastError: null,
        prefetch: null,
      });
    }
    this.locks = new AdvisoryLockConnection(options.lockConnection ?? database.pool.options);
    this.locks.onLost(() => {
      for (const slot of this.slots.values()) slot.lockHeld = false;
    });
  }

  get names(): string[] {
    return [...this.slots.keys()];
  }

  get isRunning(): boolean {
    return this.running;
  }

  /** Starts one loop per projection; each becomes active once it holds its lock. */
  start(): void {
    if (this.running) return;
    this.running = true;
    for (const slot of this.slots.values()) slot.loop = this.loop(slot);
  }

  /** Stops the loops after their current batch and releases the locks. */
  async stop(): Promise<void> {
    this.running = false;
    for (const slot of this.slots.values()) slot.wake?.();
    await Promise.all([...this.slots.values()].map((slot) => slot.loop));
    await this.locks.close();
  }

  /**
   * Wakes the active, healthy loops now (a write just happened, or someone waits for catch-up);
   * stand-by and failing loops keep their retry pace.
   */
  nudge(): void {
    for (const slot of this.slots.values()) if (slot.lockHeld && slot.failures === 0) slot.wake?.();
  }

  status(): ProjectionStatus[] {
    return [...this.slots.values()].map((slot) => ({
      name: slot.projection.name,
      active: slot.lockHeld,
      position: slot.position,
      lastError: slot.lastError,
    }));
  }

  /**
   * Resolves once every projection's committed checkpoint has reached the head of the log as it
   * was at call time. Reads the checkpoints table, so it also sees runners of other processes.
   */
  async waitForCatchUp(timeoutMs = 10_000): Promise<void> {
    const head = await this.head();
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      this.nudge();
      const lagging = await this.lagging(head);
      if (lagging.length === 0) return;
      if (Date.now() >= deadline) throw new CatchUpTimeoutError(head, lagging);
      await delay(20);
    }
  }

  /** Projections whose committed checkpoint is before `head` (default: the current head). */
  async lagging(head?: string | null): Promise<LaggingProjection[]> {
    const target = head === undefined ? await this.head() : head;
    if (target === null || this.slots.size === 0) return [];
    const rows = await this.database.db
      .selectFrom('projection_checkpoints')
      .select(['name', 'position'])
      .where('name', 'in', this.names)
      .execute();
    const positions = new Map(rows.map((row) => [row.name, row.position]));
    return this.names
      .map((name) => ({ name, position: positions.get(name) ?? null }))
      .filter((entry) => !positionReached(entry.position, target));
  }

  /**
   * Deletes the projection's rows and checkpoint in one transaction, then replays the whole log.
   * Needs the projection's lock: if this runner is the active one it keeps it, otherwise it waits
   * up to `lockTimeoutMs` for it (ProjectionLockedError after that).
   */
  async rebuild(
    name: string,
    onProgress?: (progress: RebuildProgress) => void,
    options: { lockTimeoutMs?: number } = {},
  ): Promise<RebuildProgress> {
    const slot = this.slot(name);
    return this.exclusive(slot, async () => {
      const borrowedLock = !slot.lockHeld;
      if (borrowedLock) await this.acquireLock(slot, options.lockTimeoutMs ?? 30_000);
      try {
        const total = this.options.countEvents ? await this.options.countEvents() : null;
        const progress: RebuildProgress = { projection: name, done: 0, total };
        await this.database.db.transaction().execute(async (trx) => {
          await slot.projection.reset(trx);
          await trx
            .insertInto('projection_checkpoints')
            .values({ name, position: null, updated_at: sql<Date>`now()` })
            .onConflict((oc) => oc.column('name').doUpdateSet({ position: null, updated_at: sql<Date>`now()` }))
            .execute();
        });
        slot.position = null;
        onProgress?.({ ...progress });
        for (;;) {
          const read = await this.step(slot, this.rebuildBatchSize);
          if (read === 0) break;
          progress.done += read;
          onProgress?.({ ...progress });
        }
        return progress;
      } finally {
        // A running loop keeps the lock it now holds; otherwise give it back.
        if (borrowedLock && !this.running && slot.lockHeld) {
          slot.lockHeld = false;
          await this.locks.unlock(projectionLockName(name)).catch(() => undefined);
        }
      }
    });
  }

  /** Catches one projection up once, without a loop (takes the lock like rebuild does). */
  async catchUp(name: string, options: { lockTimeoutMs?: number } = {}): Promise<number> {
    const slot = this.slot(name);
    return this.exclusive(slot, async () => {
      const borrowedLock = !slot.lockHeld;
      if (borrowedLock) await this.acquireLock(slot, options.lockTimeoutMs ?? 30_000);
      try {
        let total = 0;
        for (let read = await this.step(slot); read > 0; read = await this.step(slot)) total += read;
        return total;
      } finally {
        if (borrowedLock && !this.running && slot.lockHeld) {
          slot.lockHeld = false;
          await this.locks.unlock(projectionLockName(name)).catch(() => undefined);
        }
      }
    });
  }

  private head(): Promise<string | null> {
    return this.headPosition();
  }

  private slot(name: string): Slot {
    const slot = this.slots.get(name);
    if (!slot) throw new Error(`unknown projection "${name}" (known: ${this.names.join(', ') || 'none'})`);
    return slot;
  }

  private async loop(slot: Slot): Promise<void> {
    const name = slot.projection.name;
    while (this.running) {
      try {
        if (!slot.lockHeld) {
          const locked = await this.locks.tryLock(projectionLockName(name));
          if (!locked) {
            await this.sleep(slot, this.lockRetryMs);
            continue;
          }
          slot.lockHeld = true;
          slot.position = undefined; // another runner may have moved it while this one stood by
        }
        const read = await this.exclusive(slot, () => (slot.lockHeld ? this.step(slot) : Promise.resolve(0)));
        slot.failures = 0;
        slot.lastError = null;
        if (read === 0) await this.sleep(slot, this.pollIntervalMs);
      } catch (error) {
        slot.position = undefined;
        if (error instanceof CheckpointMovedError) {
          this.logger.warn(error.message);
          continue;
        }
        slot.failures += 1;
        slot.lastError = error instanceof Error ? error.message : String(error);
        this.logger.error(`projection ${name} failed: ${slot.lastError}`, error instanceof Error ? error.stack : undefined);
        await this.sleep(slot, Math.min(this.maxErrorBackoffMs, 250 * 2 ** Math.min(slot.failures, 10)));
      }
    }
    if (slot.lockHeld) {
      slot.lockHeld = false;
      await this.locks.unlock(projectionLockName(name)).catch(() => undefined);
    }
  }

  /**
   * One batch: read after the checkpoint, handle, compare-and-set, all rows in one transaction.
   * A full batch suggests more to come, so the next one is read while this one is handled.
   */
  private async step(slot: Slot, limit = this.batchSize): Promise<number> {
    const name = slot.projection.name;
    if (slot.position === undefined) slot.position = await this.readCheckpoint(name);
    const from = slot.position;
    const prefetched = slot.prefetch;
    slot.prefetch = null;
    const events =
      prefetched && prefetched.after === from && prefetched.limit === limit
        ? await prefetched.events.catch(() => this.store.readAll(from, limit))
        : await this.store.readAll(from, limit);
    if (events.length === 0) return 0;
    const to = events[events.length - 1].position;
    if (events.length === limit) {
      const next = this.store.readAll(to, limit);
      next.catch(() => undefined); // a failed prefetch is read again by the next step
      slot.prefetch = { after: to, limit, events: next };
    }
    const relevant = eventsOfInterest(slot.projection, events);
    try {
      await this.database.db.transaction().execute(async (trx) => {
        if (relevant.length > 0) await slot.projection.handle(trx, relevant);
        const result = await trx
          .updateTable('projection_checkpoints')
          .set({ position: to, updated_at: sql<Date>`now()` })
          .where('name', '=', name)
          .where(sql<boolean>`position is not distinct from ${from}`)
          .executeTakeFirst();
        if (result.numUpdatedRows === 0n) throw new CheckpointMovedError(name, from);
      });
    } catch (error) {
      slot.position = undefined;
      slot.prefetch = null;
      throw error;
    }
    slot.position = to;
    return events.length;
  }

  private async readCheckpoint(name: string): Promise<string | null> {
    await this.database.db
      .insertInto('projection_checkpoints')
      .values({ name, position: null, updated_at: sql<Date>`now()` })
      .onConflict((oc) => oc.column('name').doNothing())
      .execute();
    const row = await this.database.db
      .selectFrom('projection_checkpoints')
      .select('position')
      .where('name', '=', name)
      .executeTakeFirstOrThrow();
    return row.position;
  }

  private async acquireLock(slot: Slot, timeoutMs: number): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      if (await this.locks.tryLock(projectionLockName(slot.projection.name))) {
        slot.lockHeld = true;
        slot.position = undefined;
        return;
      }
      if (Date.now() >= deadline) throw new ProjectionLockedError(slot.projection.name);
      await delay(Math.min(200, Math.max(1, deadline - Date.now())));
    }
  }

  private exclusive<T>(slot: Slot, work: () => Promise<T>): Promise<T> {
    const run = slot.queue.then(work, work);
    slot.queue = run.catch(() => undefined);
    return run;
  }

  private sleep(slot: Slot, ms: number): Promise<void> {
    if (!this.running) return Promise.resolve();
    return new Promise((resolve) => {
      const timer = setTimeout(done, ms);
      function done(): void {
        clearTimeout(timer);
        if (slot.wake === done) slot.wake = null;
        resolve();
      }
      slot.wake = done;
    });
  }
}

function delay(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
