export type ProcessRole = 'api' | 'worker';

/** Parses `PROCESS_ROLES` (default `api,worker`: both parts in one process). */
export function processRoles(value: string | undefined = process.env.PROCESS_ROLES): Set<ProcessRole> {
  const roles = new Set<ProcessRole>();
  for (const raw of (value ?? 'api,worker').split(',')) {
    const role = raw.trim();
    if (role === '') continue;
    if (role !== 'api' && role !== 'worker') throw new Error(`PROCESS_ROLES: unknown role "${role}" (use api, worker)`);
    roles.add(role);
  }
  if (roles.size === 0) throw new Error('PROCESS_ROLES names no role');
  return roles;
}

export function runsWorker(value: string | undefined = process.env.PROCESS_ROLES): boolean {
  return processRoles(value).has('worker');
}
