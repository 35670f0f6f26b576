import { randomBytes } from 'node:crypto';
import { Client } from 'pg';
import { openDatabase, type DatabaseHandle } from '../libs/persistence/src/database';
import { migrateToLatest } from '../libs/persistence/src/migrate';

const ADMIN_URL = process.env.BENCH_DATABASE_ADMIN_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';

export interface ScratchDatabase extends DatabaseHandle {
  url: string;
  /** Closes the pool and drops the database. */
  drop(): Promise<void>;
}

/** A fresh database with every migration applied, dropped after the run. */
export async function createScratchDatabase(options: { poolSize?: number } = {}): Promise<ScratchDatabase> {
  const name = `csp_bench_${process.pid}_${randomBytes(4).toString('hex')}`;
  await admin(`create database "${name}"`);
  const url = new URL(ADMIN_URL);
  url.pathname = `/${name}`;
  const handle = openDatabase(url.toString(), options.poolSize ?? 10);
  await migrateToLatest(handle.db);
  return {
    ...handle,
    url: url.toString(),
    drop: async () => {
      await handle.close();
      await admin(`drop database if exists "${name}" with (force)`);
    },
  };
}

async function admin(statement: string): Promise<void> {
  const client = new Client({ connectionString: ADMIN_URL });
  await client.connect();
  try {
    await client.query(statement);
  } finally {
    await client.end();
  }
}

/** The baselines every module can compare with, in operations per second. */
export interface Baselines {
  /** Raw single-row inserts into a table shaped like `events`, one connection. */
  raw1: number;
  /** The same with 8 connections. */
  raw8: number;
}

export interface BenchContext {
  /** Measured at the start of the run (median of rounds). */
  baselines: Baselines;
  /** Gives a fresh migrated database; every one is dropped when the run ends. */
  scratchDatabase(options?: { poolSize?: number }): Promise<ScratchDatabase>;
  /**
   * Measures `operation` in rounds that alternate with rounds of the raw baseline, so both see
   * the same load on the machine; `ratio` is the median of the per-pair ratios of the rates.
   */
  compare(baseline: keyof Baselines, options: RoundOptions, operation: Operation | RoundRunner): Promise<Comparison>;
}

export type Operation = (worker: number, index: number, round: number) => Promise<void>;

/**
 * Runs whole rounds somewhere else (e.g. a load generator in another process, as real clients
 * are) and answers each round's duration in seconds; round -1 is the warm-up.
 */
export interface RoundRunner {
  runRound(workers: number, perWorker: number, round: number): Promise<number>;
}

export interface RoundOptions {
  workers: number;
  perWorker: number;
  rounds?: number;
  warmup?: number;
}

export interface Comparison extends Measurement {
  ratio: number;
}

/** One line of the report. */
export interface BenchFigure {
  label: string;
  operations: number;
  seconds: number;
  /** What one operation is (default "ops"). */
  unit?: string;
  /**
   * What the rate is compared with: a baseline of this run (the ratio is then computed unless
   * `ratio` is given), or the name of a reference the module measured itself (give `ratio`).
   */
  ratioTo?: keyof Baselines | (string & {});
  /** The ratio to `ratioTo`, when the module measured it (e.g. with `compare`). */
  ratio?: number;
  /** The goal for the ratio, as a fraction (0.7 = 70 %). */
  goal?: number;
  /** A goal for the rate itself, in operations per second. */
  goalPerSecond?: number;
}

/** A benchmark: register it with one line in bench/modules.ts. */
export interface BenchModule {
  name: string;
  run(context: BenchContext): Promise<BenchFigure[]>;
}

export interface Measurement {
  operations: number;
  seconds: number;
}

/**
 * Runs `perWorker` operations on each of `workers` concurrent loops and times the whole. A
 * warm-up round (prepared statements, caches) runs first and is not counted; the median of
 * `rounds` timed rounds is returned so one hiccup (a checkpoint, autovacuum) does not decide.
 */
export async function measure(options: RoundOptions, operation: Operation | RoundRunner): Promise<Measurement> {
  const { workers, perWorker, rounds = 3, warmup = Math.min(50, perWorker) } = options;
  await runRound(workers, warmup, operation, -1);
  const timings: number[] = [];
  for (let round = 0; round < rounds; round++) timings.push(await runRound(workers, perWorker, operation, round));
  return { operations: workers * perWorker, seconds: median(timings) };
}

/** Alternates rounds of two measurements (A B B A A B ...) so a drift in load hits both alike. */
export async function measurePaired(
  a: { options: RoundOptions; operation: Operation | RoundRunner },
  b: { options: RoundOptions; operation: Operation | RoundRunner },
  rounds = 5,
): Promise<{ a: Measurement; b: Measurement; ratio: number }> {
  for (const side of [a, b]) {
    await runRound(side.options.workers, side.options.warmup ?? Math.min(50, side.options.perWorker), side.operation, -1);
  }
  const timings = { a: [] as number[], b: [] as number[] };
  const time = (key: 'a' | 'b', round: number) => {
    const side = key === 'a' ? a : b;
    return runRound(side.options.workers, side.options.perWorker, side.operation, round).then((seconds) => timings[key].push(seconds));
  };
  for (let round = 0; round < rounds; round++) {
    const [first, second]: Array<'a' | 'b'> = round % 2 === 0 ? ['a', 'b'] : ['b', 'a'];
    await time(first, round);
    await time(second, round);
  }
  const operations = (side: typeof a) => side.options.workers * side.options.perWorker;
  const ratios = timings.a.map((seconds, round) => operations(b) / timings.b[round] / (operations(a) / seconds));
  return {
    a: { operations: operations(a), seconds: median(timings.a) },
    b: { operations: operations(b), seconds: median(timings.b) },
    ratio: median(ratios),
  };
}

function median(values: number[]): number {
  const sorted = [...values].sort((x, y) => x - y);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
}

async function runRound(workers: number, perWorker: number, operation: Operation | RoundRunner, round: number): Promise<number> {
  if (typeof operation !== 'function') return operation.runRound(workers, perWorker, round);
  const started = process.hrtime.bigint();
  await Promise.all(
    Array.from({ length: workers }, async (_, worker) => {
      for (let index = 0; index < perWorker; index++) await operation(worker, index, round);
    }),
  );
  return Number(process.hrtime.bigint() - started) / 1e9;
}
