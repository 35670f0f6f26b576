import { runLifecycleWorkerProcess } from '../application/lifecycle-worker';

/** A real worker process for the lifecycle fault tests (settings from LIFECYCLE_* and the usual env). */
void runLifecycleWorkerProcess();
