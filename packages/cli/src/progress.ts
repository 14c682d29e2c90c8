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

  /**
   * Bulk embedding: `texts` whose vectors are written, `fraction` of the input they came from
   * (absent when the size is unknown: stdin), `tokens` embedded. Counted from vectors, not from
   * reads, so 100% comes with the last vector.
   */
  texts(texts: number, tokens: number, fraction?: number, force = false): void {
    if (!this.enabled) return;
    const now = Date.now();
    if (!force && now - this.last < 100) return;
    this.last = now;
    const secs = Math.max((now - this.start) / 1000, 1e-3);
    const bar = fraction === undefined ? '' : ` [${'#'.repeat(Math.round(Math.min(fraction, 1) * 30)).padEnd(30, '.')}] ${(Math.min(fraction, 1) * 100).toFixed(0)}%`;
    process.stderr.write(`\r\x1b[K${this.label}${bar} ${texts} texts, ${(texts / secs).toFixed(0)} texts/s, ${(tokens / secs).toFixed(0)} tokens/s`);
  }

  textsDone(texts: number, tokens: number, fraction?: number): void {
    if (!this.enabled) return;
    this.texts(texts, tokens, fraction, true);
    process.stderr.write('\n');
  }
}
