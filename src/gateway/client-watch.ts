/**
 * Notices a client hanging up before its response is finished. The AbortSignal handed to the
 * pipeline is created only if someone asks for it (most requests finish without one being needed,
 * and an AbortController per request is measurable at thousands of requests per second).
 */
import type { ServerResponse } from 'node:http'

export class ClientWatch {
  private readonly res: ServerResponse
  private controller: AbortController | undefined
  private handler: (() => void) | undefined
  private disconnected = false
  /** Bound in the constructor (a class-field arrow would pay tsx's __name per request). */
  private readonly onClose: () => void

  constructor(res: ServerResponse) {
    this.res = res
    this.onClose = this.closed.bind(this)
    res.once('close', this.onClose)
  }

  private closed(): void {
    if (this.res.writableFinished) return
    this.disconnected = true
    this.controller?.abort()
    this.handler?.()
  }

  /** The client went away before the response was complete. */
  get gone(): boolean {
    return this.disconnected
  }

  get signal(): AbortSignal {
    this.controller ??= new AbortController()
    if (this.disconnected && !this.controller.signal.aborted) this.controller.abort()
    return this.controller.signal
  }

  /** The request ran out of time: abort the work done for it (as if the client had left). */
  expire(): void {
    this.controller ??= new AbortController()
    this.controller.abort()
  }

  /** Call `fn` once if the client goes away (replaces any earlier callback). */
  onGone(fn: (() => void) | undefined): void {
    this.handler = fn
  }

  dispose(): void {
    this.handler = undefined
    this.res.off('close', this.onClose)
  }
}
