import type { ChildProcess } from 'node:child_process';

const READY_LINE = 'ready';

/** A worker process says it is working: a line `ready` on its stdout (logs go as JSON lines). */
export function announceReady(): void {
  process.stdout.write(`${READY_LINE}\n`);
}

/**
 * Resolves once the child wrote the line `ready` on its stdout (a whole line, so a log line that
 * merely contains the word does not count); rejects if it exits or fails to start before that.
 */
export function whenReady(child: ChildProcess): Promise<ChildProcess> {
  return new Promise((resolve, reject) => {
    let pending = '';
    const onExit = (code: number | null) => reject(new Error(`the worker exited early with ${code}`));
    const onData = (chunk: Buffer) => {
      const lines = (pending + chunk.toString('utf8')).split('\n');
      pending = lines.pop() ?? '';
      if (!lines.some((line) => line.trim() === READY_LINE)) return;
      child.off('exit', onExit);
      child.stdout?.off('data', onData);
      resolve(child);
    };
    child.once('error', reject);
    child.once('exit', onExit);
    child.stdout?.on('data', onData);
  });
}
