import type { Migration } from 'kysely';

/**
 * Every migration of the project, by name; names sort in the order they run.
 * Each library keeps its migrations beside its code and registers them here.
 */
export const migrations: Record<string, Migration> = {};
