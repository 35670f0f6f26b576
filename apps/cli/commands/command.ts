/** One CLI command: `npm run cli -- <name> [args]`. */
export interface CliCommand {
  /** Arguments after the name, e.g. `[name]`. */
  usage: string;
  description: string;
  /** Returns the exit code (0 when omitted). */
  run(args: string[]): Promise<number | void>;
}
