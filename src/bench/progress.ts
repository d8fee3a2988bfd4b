/**
 * Progress for long runs: a redrawn bar with rate and ETA on a terminal; on anything else (CI logs,
 * files) a plain line at every 10% and at least every 15 s, so logs stay readable.
 */
export interface ProgressSink {
  write(text: string): unknown
  isTTY?: boolean
}

export function formatDuration(seconds: number): string {
  if (!Number.isFinite(seconds) || seconds < 0) return '?'
  const s = Math.round(seconds)
  const h = Math.floor(s / 3600)
  const m = Math.floor((s % 3600) / 60)
  const sec = String(s % 60).padStart(2, '0')
  return h > 0 ? `${h}:${String(m).padStart(2, '0')}:${sec}` : `${m}:${sec}`
}

export class Progress {
  private done = 0
  private readonly started: number
  private lastDraw = 0
  private lastPlainStep = -1
  private lastPlainAt = 0
  private label = ''

  constructor(
    private readonly total: number,
    private readonly sink: ProgressSink = process.stderr,
    private readonly tty: boolean = sink.isTTY === true,
    private readonly now: () => number = () => performance.now(),
  ) {
    this.started = now()
  }

  setLabel(label: string): void {
    this.label = label
  }

  /** Seconds left at the current rate (undefined before the first item). */
  eta(): number | undefined {
    if (this.done === 0) return undefined
    const elapsed = (this.now() - this.started) / 1000
    return (elapsed / this.done) * (this.total - this.done)
  }

  tick(count = 1): void {
    this.done = Math.min(this.total, this.done + count)
    const t = this.now()
    if (this.tty) {
      if (t - this.lastDraw < 100 && this.done < this.total) return
      this.lastDraw = t
      this.sink.write(`\r\x1b[K${this.line(true)}`)
      return
    }
    const step = Math.floor((this.done / Math.max(1, this.total)) * 10)
    if (step !== this.lastPlainStep || t - this.lastPlainAt > 15_000 || this.done === this.total) {
      this.lastPlainStep = step
      this.lastPlainAt = t
      this.sink.write(`${this.line(false)}\n`)
    }
  }

  finish(): void {
    if (this.tty) this.sink.write('\n')
  }

  line(bar: boolean): string {
    const pct = this.total === 0 ? 100 : Math.floor((this.done / this.total) * 100)
    const elapsed = (this.now() - this.started) / 1000
    const rate = elapsed > 0 ? this.done / elapsed : 0
    const eta = this.eta()
    const width = 24
    const filled = Math.round((pct / 100) * width)
    const head = bar ? `[${'#'.repeat(filled)}${'-'.repeat(width - filled)}] ` : 'progress: '
    return `${head}${this.done}/${this.total} ${pct}% ${rate.toFixed(1)}/s ETA ${eta === undefined ? '?' : formatDuration(eta)}${this.label ? ` ${this.label}` : ''}`
  }
}
