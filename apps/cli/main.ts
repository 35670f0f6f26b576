import 'reflect-metadata';
import type { CliCommand } from './commands/command';
import { migrateCommand } from './commands/migrate';
import { projectionsRebuildCommand } from './commands/projections-rebuild';
import { eventsExportCommand } from './commands/events-export';
import { subscriptionAsOfCommand } from './commands/subscription-as-of';
import { projectionsVerifyCommand } from './commands/projections-verify';

/** Every command; add one with one line (its module exports a CliCommand). */
const COMMANDS: Record<string, CliCommand> = {
  migrate: migrateCommand,
  'projections:rebuild': projectionsRebuildCommand,
  'projections:verify': projectionsVerifyCommand,
  'events:export': eventsExportCommand,
  'subscription:as-of': subscriptionAsOfCommand,
};

function usage(): string {
  const width = Math.max(...Object.entries(COMMANDS).map(([name, c]) => `${name} ${c.usage}`.length));
  const lines = Object.entries(COMMANDS).map(([name, c]) => `  ${`${name} ${c.usage}`.padEnd(width)}  ${c.description}`);
  return `usage: npm run cli -- <command> [args]\n\ncommands:\n${lines.join('\n')}`;
}

async function main(argv: string[]): Promise<number> {
  const [name, ...args] = argv;
  if (!name || name === 'help' || name === '--help' || name === '-h') {
    console.error(usage());
    return name ? 0 : 2;
  }
  const command = COMMANDS[name];
  if (!command) {
    console.error(`unknown command "${name}"\n\n${usage()}`);
    return 2;
  }
  return (await command.run(args)) ?? 0;
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    console.error(error instanceof Error ? error.message : error);
    process.exitCode = 1;
  },
);
