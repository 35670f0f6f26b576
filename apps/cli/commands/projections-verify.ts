import { verifyProjections, type VerifyResult } from '../../../libs/audit/src/verify/projections-verify';
import { instantiateProjections } from '../../../libs/event-store/src/projections/projection-runner';
import { ALL_PROJECTIONS } from '../../api/src/projections';
import { ProgressBar } from '../progress-bar';
import { withResources } from './cli-support';
import type { CliCommand } from './command';

/** `name  rows  live digest  rebuilt digest  identical|DIFFERENT`, one line per read model. */
export function formatVerifyReport(results: readonly VerifyResult[]): string {
  const width = Math.max(10, ...results.map((result) => result.projection.length));
  const lines = results.map(
    (result) =>
      `${result.projection.padEnd(width)}  ${String(result.rows).padStart(8)} rows  live ${result.liveDigest.slice(0, 16)}  rebuilt ${result.rebuiltDigest.slice(0, 16)}  ${result.identical ? 'identical' : 'DIFFERENT'}`,
  );
  const different = results.filter((result) => !result.identical).length;
  lines.push(different === 0 ? `all ${results.length} read models identical` : `${different} of ${results.length} read models differ`);
  return lines.join('\n');
}

export const projectionsVerifyCommand: CliCommand = {
  usage: '',
  description: 'rebuild every read model into a scratch schema and compare digests with the live tables',
  async run() {
    const projections = instantiateProjections(ALL_PROJECTIONS);
    return withResources(async ({ database, store, countEvents }) => {
      const bar = new ProgressBar('projections:verify');
      const results = await verifyProjections(database, store, projections, { countEvents, onProgress: (progress) => bar.update(progress) });
      bar.finish();
      console.log(formatVerifyReport(results));
      return results.every((result) => result.identical) ? 0 : 1;
    });
  },
};
