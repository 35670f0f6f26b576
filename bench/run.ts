import { prepareBaselines } from './baselines';
import { benchModules } from './modules';
import { createScratchDatabase, type BenchContext, type BenchFigure, type ScratchDatabase } from './support';

/**
 * `npm run bench [name filter]`: measures the raw PostgreSQL baselines, then runs every
 * registered module (bench/modules.ts) whose name contains the filter, and prints one table.
 */
async function main(): Promise<void> {
  const filter = process.argv[2]?.toLowerCase();
  const databases: ScratchDatabase[] = [];
  const scratchDatabase: BenchContext['scratchDatabase'] = async (options) => {
    const database = await createScratchDatabase(options);
    databases.push(database);
    return database;
  };
  const rows: Array<BenchFigure & { module: string }> = [];
  const started = Date.now();
  try {
    const { baselines, figures, compare } = await prepareBaselines(scratchDatabase);
    rows.push(...figures.map((figure) => ({ ...figure, module: 'baseline' })));
    const context: BenchContext = { baselines, scratchDatabase, compare };
    for (const load of benchModules) {
      const module = await load();
      if (filter && !module.name.toLowerCase().includes(filter)) continue;
      process.stderr.write(`running ${module.name}...\n`);
      try {
        rows.push(...(await module.run(context)).map((figure) => ({ ...figure, module: module.name })));
      } catch (error) {
        // One broken module must not hide the others' figures.
        console.error(`${module.name} failed:`, error);
        process.exitCode = 1;
      }
    }
    print(rows, baselines);
  } finally {
    for (const database of databases) await database.drop().catch(() => undefined);
  }
  console.log(`\n${((Date.now() - started) / 1000).toFixed(1)} s in all`);
}

function print(rows: Array<BenchFigure & { module: string }>, baselines: BenchContext['baselines']): void {
  const header = ['module', 'figure', 'operations', 'seconds', 'per second', 'ratio', 'goal', 'met'];
  const lines = rows.map((row) => {
    const rate = row.operations / row.seconds;
    const baseline = row.ratioTo !== undefined && row.ratioTo in baselines ? baselines[row.ratioTo as keyof typeof baselines] : undefined;
    const ratio = row.ratio ?? (baseline === undefined ? undefined : rate / baseline);
    const goals: string[] = [];
    const met: boolean[] = [];
    if (row.goal !== undefined && ratio !== undefined) {
      goals.push(`>= ${(row.goal * 100).toFixed(0)} %`);
      met.push(ratio >= row.goal);
    }
    if (row.goalPerSecond !== undefined) {
      goals.push(`>= ${row.goalPerSecond}/s`);
      met.push(rate >= row.goalPerSecond);
    }
    return [
      row.module,
      row.label,
      `${row.operations} ${row.unit ?? 'ops'}`,
      row.seconds.toFixed(2),
      rate.toFixed(0),
      ratio === undefined ? '' : `${(ratio * 100).toFixed(0)} % of ${row.ratioTo ?? '?'}${row.ratio !== undefined && baseline !== undefined ? ' (paired)' : ''}`,
      goals.join(', '),
      met.length === 0 ? '' : met.every(Boolean) ? 'ok' : 'BELOW GOAL',
    ];
  });
  const widths = header.map((_, column) => Math.max(header[column].length, ...lines.map((line) => line[column].length)));
  const format = (cells: string[]) => cells.map((cell, column) => cell.padEnd(widths[column])).join('  ').trimEnd();
  console.log(format(header));
  console.log(format(widths.map((width) => '-'.repeat(width))));
  for (const line of lines) console.log(format(line));
}

main().catch((error) => {
  console.error(error);
  process.exitCode = 1;
});
