import 'reflect-metadata';
import { ConfigError } from '../libs/config/src/load-config';
import { createApp } from './api/src/bootstrap';

/**
 * One process: api (HTTP) and/or worker (projections, timer sweeper, queue workers), as
 * PROCESS_ROLES says. SIGTERM/SIGINT close it gracefully (Nest shutdown hooks).
 */
async function main(): Promise<void> {
  const running = await createApp();
  await running.listen();
}

main().catch((error: unknown) => {
  // The logger may not exist yet: configuration and migration failures go to stderr as is.
  if (error instanceof ConfigError) console.error(error.message);
  else console.error('start-up failed:', error);
  process.exit(1);
});
