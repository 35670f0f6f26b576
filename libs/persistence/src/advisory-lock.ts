import type { PoolClient } from 'pg';

/**
 * Session-level advisory lock keyed by a name. Hold the client for as long as the lock must be
 * held; releasing the client to the pool without unlocking would leak the lock, so always unlock.
 */
export async function tryAdvisoryLock(client: PoolClient, name: string): Promise<boolean> {
  const result = await client.query<{ locked: boolean }>(
    'select pg_try_advisory_lock(hashtextextended($1, 0)) as locked',
    [name],
  );
  return result.rows[0].locked;
}

export async function advisoryUnlock(client: PoolClient, name: string): Promise<void> {
  await client.query('select pg_advisory_unlock(hashtextextended($1, 0))', [name]);
}
