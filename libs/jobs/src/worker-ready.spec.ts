import { spawn } from 'node:child_process';
import { whenReady } from './worker-ready';

/** A child node process running `script`, its stdout piped. */
const child = (script: string) => spawn(process.execPath, ['-e', script], { stdio: ['ignore', 'pipe', 'inherit'] });

describe('whenReady', () => {
  it('resolves on the line "ready", even when it arrives in pieces', async () => {
    const worker = child(`
      process.stdout.write('rea');
      setTimeout(() => process.stdout.write('dy\\n'), 20);
      setTimeout(() => {}, 5000);
    `);
    try {
      await expect(whenReady(worker)).resolves.toBe(worker);
    } finally {
      worker.kill();
    }
  });

  it('is not fooled by a log line that contains the word', async () => {
    const worker = child(`process.stdout.write(JSON.stringify({ msg: 'job already done, ready soon' }) + '\\n'); setTimeout(() => process.exit(0), 50);`);
    await expect(whenReady(worker)).rejects.toThrow('the worker exited early with 0');
  });

  it('rejects when the child exits before saying ready', async () => {
    await expect(whenReady(child(`process.stdout.write('starting\\n'); process.exit(3);`))).rejects.toThrow('the worker exited early with 3');
  });
});
