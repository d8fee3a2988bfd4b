/**
 * A small file the router re-reads when it changes (API keys, the /metrics token), checked every
 * `intervalMs` by stat (size, mtime, inode — so a Kubernetes Secret's symlink swap counts), read
 * only when that changed. A read or parse failure keeps the last good value and is reported once
 * per change. The timer is unref'd: it never keeps a process alive.
 */
import { readFileSync, statSync } from 'node:fs'

export interface WatchedFileOptions<T> {
  readonly path: string
  readonly intervalMs: number
  readonly parse: (text: string) => T
  /** A new value was loaded (not called for the first load). */
  readonly onReload?: (value: T) => void
  readonly onError?: (err: Error) => void
}

export class WatchedFile<T> {
  private current: T | undefined
  private signature = ''
  private readonly timer: NodeJS.Timeout
  private readonly options: WatchedFileOptions<T>

  constructor(options: WatchedFileOptions<T>) {
    this.options = options
    this.check(true)
    this.timer = setInterval(() => this.check(false), options.intervalMs)
    this.timer.unref()
  }

  /** The last value that loaded (undefined when the file never loaded). */
  get value(): T | undefined {
    return this.current
  }

  /** Check now (tests; the timer does the same). */
  refresh(): void {
    this.check(false)
  }

  close(): void {
    clearInterval(this.timer)
  }

  private check(first: boolean): void {
    let signature: string
    try {
      const s = statSync(this.options.path)
      signature = `${s.ino}:${s.size}:${s.mtimeMs}`
    } catch (err) {
      signature = 'missing'
      if (this.signature !== signature) this.options.onError?.(err as Error)
      this.signature = signature
      return
    }
    if (signature === this.signature) return
    this.signature = signature
    try {
      this.current = this.options.parse(readFileSync(this.options.path, 'utf8'))
      if (!first) this.options.onReload?.(this.current)
    } catch (err) {
      this.options.onError?.(err as Error)
    }
  }
}
