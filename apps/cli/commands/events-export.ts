import { createWriteStream } from 'node:fs';
import { finished } from 'node:stream/promises';
import { exportEvents } from '../../../libs/audit/src/export/events-export';
import { ProgressBar } from '../progress-bar';
import { parseFlags, withResources } from './cli-support';
import type { CliCommand } from './command';

export const eventsExportCommand: CliCommand = {
  usage: '--out FILE.jsonl [--after POSITION]',
  description: 'write every event (audit shape, secrets redacted) as JSON lines, in log order, streaming',
  async run(args) {
    const { flags } = parseFlags(args);
    const out = flags.get('out');
    if (!out) {
      console.error('events:export needs --out FILE.jsonl');
      return 2;
    }
    return withResources(async ({ store, countEvents }) => {
      const file = createWriteStream(out, { encoding: 'utf8' });
      const bar = new ProgressBar('events:export');
      const total = countEvents ? await countEvents() : null;
      try {
        const result = await exportEvents(store, file, {
          after: flags.get('after') || null,
          onProgress: (done) => bar.update({ done, total }),
        });
        bar.update({ done: result.exported, total });
        bar.finish();
        console.error(`${result.exported} events written to ${out}${result.lastPosition ? ` (last position ${result.lastPosition})` : ''}`);
      } finally {
        file.end();
        await finished(file);
      }
      return 0;
    });
  },
};
