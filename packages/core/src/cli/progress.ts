/**
 * Progress of a long command. On a terminal it redraws one line
 * (`migrate  12/40 ████░░░░ 30%`); in CI or a pipe it prints a line at
 * every 10% so logs stay short.
 */
export class Progress {
  private done = 0;
  private lastReported = -1;
  private readonly started = Date.now();

  constructor(
    private readonly out: NodeJS.WritableStream & { isTTY?: boolean },
    private readonly label: string,
    private total?: number,
  ) {
    if (!out.isTTY) out.write(`${label}…${total !== undefined ? ` (${total} steps)` : ''}\n`);
  }

  /** Advance by `n` steps; `note` says what was just done. */
  tick(n = 1, note?: string): void {
    this.done += n;
    this.report(note);
  }

  setTotal(total: number): void {
    this.total = total;
  }

  /** Print a message above the bar. */
  log(message: string): void {
    if (this.out.isTTY) this.out.write(`\r\x1b[K${message}\n`);
    else this.out.write(`${message}\n`);
    this.report();
  }

  finish(message?: string): void {
    const seconds = ((Date.now() - this.started) / 1000).toFixed(1);
    const text = message ?? `${this.label}: done (${this.done}${this.total !== undefined ? `/${this.total}` : ''}) in ${seconds}s`;
    this.out.write(this.out.isTTY ? `\r\x1b[K${text}\n` : `${text}\n`);
  }

  private report(note?: string): void {
    const total = this.total;
    if (this.out.isTTY) {
      if (total) {
        const width = 24;
        const filled = Math.min(width, Math.round((this.done / total) * width));
        const bar = '█'.repeat(filled) + '░'.repeat(width - filled);
        this.out.write(`\r\x1b[K${this.label} ${this.done}/${total} ${bar} ${Math.floor((this.done / total) * 100)}%${note ? ` ${note}` : ''}`);
      } else {
        this.out.write(`\r\x1b[K${this.label} ${this.done}${note ? ` ${note}` : ''}`);
      }
      return;
    }
    if (!total) return;
    const decile = Math.floor((this.done / total) * 10);
    if (decile > this.lastReported) {
      this.lastReported = decile;
      this.out.write(`${this.label}: ${this.done}/${total} (${Math.floor((this.done / total) * 100)}%)${note ? ` ${note}` : ''}\n`);
    }
  }
}
