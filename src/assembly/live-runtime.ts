/**
 * The runtime currently serving requests, swappable at any moment (config hot reload).
 *
 * A request leases the current runtime once, at its start, and uses it to the end, so a reload never
 * changes the rules under a request in flight. A replaced runtime is closed when its last lease is
 * released (or after the grace period, so a stuck stream cannot pin old models in memory forever).
 */
import type { Lease, RuntimeSource } from '../pipeline/runtime.js'

export interface Closable {
  close(): Promise<void>
}

class Generation<R extends Closable> {
  readonly runtime: R
  leases = 0
  retired = false
  private closing: Promise<void> | undefined
  private graceTimer: NodeJS.Timeout | undefined
  private readonly onCloseError: (err: unknown) => void

  constructor(runtime: R, onCloseError: (err: unknown) => void) {
    this.runtime = runtime
    this.onCloseError = onCloseError
  }

  retire(graceMs: number): Promise<void> {
    this.retired = true
    if (this.leases === 0) return this.close()
    this.graceTimer = setTimeout(() => void this.close(), graceMs)
    this.graceTimer.unref()
    return Promise.resolve()
  }

  released(): void {
    this.leases--
    if (this.retired && this.leases === 0) void this.close()
  }

  close(): Promise<void> {
    if (this.graceTimer) clearTimeout(this.graceTimer)
    this.closing ??= this.runtime.close().catch(this.onCloseError)
    return this.closing
  }
}

export class LiveRuntime<R extends Closable> implements RuntimeSource<R> {
  private generation: Generation<R>
  private readonly graceMs: number
  private readonly onCloseError: (err: unknown) => void
  private readonly retiring = new Set<Generation<R>>()

  constructor(initial: R, options: { graceMs: number; onCloseError: (err: unknown) => void }) {
    this.graceMs = options.graceMs
    this.onCloseError = options.onCloseError
    this.generation = new Generation(initial, this.onCloseError)
  }

  acquire(): Lease<R> {
    const gen = this.generation
    gen.leases++
    let released = false
    return {
      runtime: gen.runtime,
      // Method syntax, not an arrow: under tsx (esbuild keepNames) a named arrow property pays an
      // Object.defineProperty per request.
      release() {
        if (released) return
        released = true
        gen.released()
      },
    }
  }

  current(): R {
    return this.generation.runtime
  }

  /** Serve new requests from `next`; the old runtime closes once its requests are done. */
  swap(next: R): void {
    const old = this.generation
    this.generation = new Generation(next, this.onCloseError)
    this.retiring.add(old)
    void old.retire(this.graceMs).then(() => {
      if (old.leases === 0) this.retiring.delete(old)
    })
  }

  /** Close every runtime (current and retiring), waiting at most the grace period for leases. */
  async close(graceMs = this.graceMs): Promise<void> {
    const all = [this.generation, ...this.retiring]
    const deadline = Date.now() + graceMs
    while (all.some((g) => g.leases > 0) && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 20))
    }
    await Promise.all(all.map((g) => g.close()))
  }
}
