/** A one-line progress display on stderr, drawn only when stderr is a terminal. */
export class Progress {
  private readonly enabled: boolean;
  private last = 0;
  private readonly start = Date.now();

  constructor(private readonly label: string, private total?: number, private readonly unit: 'texts' | 'bytes' = 'texts') {
    this.enabled = Boolean(process.stderr.isTTY) && !process.env.MULLAMA_NO_PROGRESS;
  }

  setTotal(total: number | undefined): void {
    this.total = total;
  }

  update(done: number, force = false): void {
    if (!this.enabled) return;
    const now = Date.now();
    if (!force && now - this.last < 100) return;
    this.last = now;
    const secs = Math.max((now - this.start) / 1000, 1e-3);
    const rate = done / secs;
    const fmt = (n: number) => (this.unit === 'bytes' ? `${(n / 1048576).toFixed(1)} MiB` : `${n}`);
    let line: string;
    if (this.total && this.total > 0) {
      const frac = Math.min(done / this.total, 1);
      const width = 30;
      const fill = Math.round(frac * width);
      line = `${this.label} [${'#'.repeat(fill)}${'.'.repeat(width - fill)}] ${(frac * 100).toFixed(0)}% ${fmt(done)}/${fmt(this.total)}`;
    } else {
      line = `${this.label} ${fmt(done)}`;
    }
    line += this.unit === 'bytes' ? ` ${fmt(rate)}/s` : ` ${rate.toFixed(0)} ${this.unit}/s`;
    process.stderr.write(`\r\x1b[K${line}`);
  }

  done(final: number): void {
    if (!this.enabled) return;
    this.update(final, true);
    process.stderr.write('\n');
  }
}
