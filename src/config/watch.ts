/**
 * Watch a config file for changes and call back with each new text, debounced.
 *
 * Both the file and its directory are watched. Editors that save by rename, and Kubernetes
 * ConfigMap volumes (where `config.yaml` is a symlink into `..data/`, and an update atomically
 * swaps the `..data` symlink) only show up as directory events; in-place writes show up on the
 * file. After every burst of events the file watcher is re-armed, because after a swap the old
 * watch points at an inode that no longer backs the path. The text is hashed so a burst that
 * leaves the content unchanged does not trigger a reload.
 */
import { createHash } from 'node:crypto'
import { watch, type FSWatcher } from 'node:fs'
import { readFile } from 'node:fs/promises'
import { dirname, resolve } from 'node:path'

export interface ConfigWatcherOptions {
  /** Quiet time after the last event before the file is read. */
  readonly debounceMs?: number
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
  private lastHash: string | undefined
  private running: Promise<void> = Promise.resolve()
  private closed = false

  constructor(path: string, options: ConfigWatcherOptions) {
    this.path = resolve(path)
    this.options = options
    this.debounceMs = options.debounceMs ?? 250
    this.lastHash = options.initialHash
  }

  start(): void {
    const dir = dirname(this.path)
    // Any entry in the directory may be the change (ConfigMap swaps touch `..data`, editors write
    // temp files and rename them); the content hash filters out the rest.
    this.dirWatcher = watch(dir, { persistent: false }, () => this.schedule())
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

  private schedule(): void {
    if (this.closed) return
    if (this.timer) clearTimeout(this.timer)
    this.timer = setTimeout(() => {
      this.timer = undefined
      this.running = this.running.then(() => this.check())
    }, this.debounceMs)
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
