/**
 * Watch a config file for changes and call back with each new text, debounced.
 *
 * Both the file and its directory are watched. Editors that save by rename, and Kubernetes
 * ConfigMap volumes (where `config.yaml` is a symlink into `..data/`, and an update atomically
 * swaps the `..data` symlink) only show up as directory events; in-place writes show up on the
 * file. After every burst of events the file watcher is re-armed, because after a swap the old
 * watch points at an inode that no longer backs the path. The text is hashed so a burst that
 * leaves the content unchanged does not trigger a reload.
 *
 * Directory events count only for the config file's own name and for Kubernetes' `..data` /
 * `..<timestamp>` entries: a log file or anything else written next to the config neither triggers
 * reads nor postpones a reload. Debouncing has a maximum wait (`maxWaitMs`): a file rewritten
 * without pause is still reloaded that long after the first change.
 */
import { createHash } from 'node:crypto'
import { watch, type FSWatcher } from 'node:fs'
import { readFile } from 'node:fs/promises'
import { basename, dirname, resolve } from 'node:path'

export interface ConfigWatcherOptions {
  /** Quiet time after the last event before the file is read. */
  readonly debounceMs?: number
  /** Longest a change waits while events keep coming (default 2 s, at least `debounceMs`). */
  readonly maxWaitMs?: number
  /** sha256 of the text already loaded (skips the first no-op reload). */
  readonly initialHash?: string
  /** Called with the new text when the content changed. Awaited: reloads never overlap. */
  onChange(text: string, hash: string): Promise<void>
  /** The file could not be read, or a watcher failed. The watcher keeps going. */
  onError(err: Error): void
}

export class ConfigWatcher {
  readonly path: string
  private readonly options: ConfigWatcherOptions
  private readonly debounceMs: number
  private dirWatcher: FSWatcher | undefined
  private fileWatcher: FSWatcher | undefined
  private timer: NodeJS.Timeout | undefined
  private readonly maxWaitMs: number
  /** When the first event of the pending burst arrived. */
  private burstStart: number | undefined
  private readonly name: string
  private lastHash: string | undefined
  private running: Promise<void> = Promise.resolve()
  private closed = false

  constructor(path: string, options: ConfigWatcherOptions) {
    this.path = resolve(path)
    this.options = options
    this.debounceMs = options.debounceMs ?? 250
    this.maxWaitMs = Math.max(this.debounceMs, options.maxWaitMs ?? 2_000)
    this.name = basename(this.path)
    this.lastHash = options.initialHash
  }

  start(): void {
    const dir = dirname(this.path)
    // The config's own name (editors rename a temp file onto it) and ConfigMap's `..data` swap;
    // the content hash filters out events that change nothing. Other files are not ours.
    this.dirWatcher = watch(dir, { persistent: false }, (_event, filename) => {
      if (filename === null || this.concerns(filename.toString())) this.schedule()
    })
    this.dirWatcher.on('error', (err) => this.options.onError(err))
    this.armFileWatcher()
  }

  /** Wait for a pending reload (tests and shutdown). */
  async settled(): Promise<void> {
    while (this.timer !== undefined) await new Promise((r) => setTimeout(r, this.debounceMs))
    await this.running
  }

  close(): void {
    this.closed = true
    if (this.timer) clearTimeout(this.timer)
    this.timer = undefined
    this.dirWatcher?.close()
    this.fileWatcher?.close()
  }

  private armFileWatcher(): void {
    this.fileWatcher?.close()
    this.fileWatcher = undefined
    try {
      this.fileWatcher = watch(this.path, { persistent: false }, () => this.schedule())
      this.fileWatcher.on('error', () => {
        // The watched inode went away (rename or symlink swap); the directory watcher still
        // fires and re-arms this one.
        this.fileWatcher?.close()
        this.fileWatcher = undefined
      })
    } catch {
      // The file is missing right now (mid-swap); the directory watcher will catch it coming back.
    }
  }

  private concerns(filename: string): boolean {
    return filename === this.name || filename.startsWith('..')
  }

  private schedule(): void {
    if (this.closed) return
    const now = Date.now()
    this.burstStart ??= now
    if (this.timer) clearTimeout(this.timer)
    const wait = Math.max(0, Math.min(this.debounceMs, this.burstStart + this.maxWaitMs - now))
    this.timer = setTimeout(() => {
      this.timer = undefined
      this.burstStart = undefined
      this.running = this.running.then(() => this.check())
    }, wait)
  }

  private async check(): Promise<void> {
    if (this.closed) return
    this.armFileWatcher()
    let text: string
    try {
      text = await readFile(this.path, 'utf8')
    } catch (err) {
      this.options.onError(err as Error)
      return
    }
    const hash = createHash('sha256').update(text).digest('hex')
    if (hash === this.lastHash) return
    this.lastHash = hash
    try {
      await this.options.onChange(text, hash)
    } catch (err) {
      this.options.onError(err as Error)
    }
  }
}
