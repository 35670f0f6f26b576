import type { Transaction } from 'kysely';
import type { RecordedEvent } from '../../../core/src';
import type { Database } from '../../../persistence/src/schema';

/**
 * An asynchronous projection (ARCHITECTURE rule 4). The runner hands it batches of events in log
 * order inside one transaction that also moves its checkpoint (compare-and-set), so rows and
 * checkpoint commit together. `handle` must be deterministic: rebuilding from the events alone
 * gives the same rows (R-AUDIT-1).
 */
export interface Projection {
  /** `<name>_v<N>`: bump N to rebuild beside the old one. */
  readonly name: string;
  /** Event types it reacts to; the runner skips others (an empty list means all). */
  readonly eventTypes?: readonly string[];
  handle(trx: Transaction<Database>, events: RecordedEvent[]): Promise<void>;
  /** Deletes every row of the read model (used by rebuild). */
  reset(trx: Transaction<Database>): Promise<void>;
}

/** Injection token: every Projection registered in the app (multi-provider list). */
export const PROJECTIONS = Symbol('PROJECTIONS');
