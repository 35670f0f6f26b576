export interface ProgressState {
  done: number;
  total: number | null;
}

/** `name [#####.....]  50 %  100/200 events  1234/s`, or without a bar when the total is unknown. */
export function renderProgress(label: string, state: ProgressState, elapsedMs: number, width = 30): string {
  const rate = elapsedMs > 0 ? Math.round((state.done * 1000) / elapsedMs) : 0;
  if (state.total === null) return `${label} ${state.done} events  ${rate}/s`;
  const total = Math.max(state.total, state.done);
  const fraction = total === 0 ? 1 : state.done / total;
  const filled = Math.min(width, Math.round(fraction * width));
  const percent = String(Math.floor(fraction * 100)).padStart(3);
  return `${label} [${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${percent} %  ${state.done}/${total} events  ${rate}/s`;
}

/** A plain-text progress bar on stderr: redrawn in place on a terminal, every 10 % otherwise. */
export class ProgressBar {
  private readonly started = Date.now();
  private lastDecile = -1;
  private printedDone = -1;
  private last: ProgressState = { done: 0, total: null };

  constructor(
    private readonly label: string,
    private readonly stream: NodeJS.WriteStream = process.stderr,
  ) {}

  update(state: ProgressState): void {
    this.last = state;
    const line = renderProgress(this.label, state, Date.now() - this.started);
    if (this.stream.isTTY) {
      this.stream.write(`\r${line}\x1b[K`);
      return;
    }
    const decile = state.total ? Math.floor((state.done / Math.max(state.total, 1)) * 10) : Math.floor(state.done / 10_000);
    if (decile !== this.lastDecile) {
      this.lastDecile = decile;
      this.printedDone = state.done;
      this.stream.write(`${line}\n`);
    }
  }

  finish(): void {
    if (!this.stream.isTTY && this.printedDone === this.last.done) return;
    const line = renderProgress(this.label, { done: this.last.done, total: this.last.total === null ? null : this.last.done }, Date.now() - this.started);
    this.stream.write(this.stream.isTTY ? `\r${line}\x1b[K\n` : `${line}\n`);
  }
}
