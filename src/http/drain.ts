/**
 * Graceful drain for a node:http server, shared by every listener.
 *
 * `drain(graceMs)`:
 * 1. stop accepting connections;
 * 2. from now on every response carries `Connection: close` (requests already in flight, and new
 *    requests arriving on open keep-alive connections), so clients move to another replica;
 * 3. keep-alive sockets are closed as soon as they are idle (now, and each time a request ends);
 * 4. requests in flight get up to `graceMs` to finish; whatever is left is then cut.
 *
 * `track` must run first for every request (HttpListener does it before the listener's handler).
 */
import type { IncomingMessage, Server, ServerResponse } from 'node:http'

export class Drain {
  private readonly server: Server
  private readonly open = new Set<ServerResponse>()
  private waiters: (() => void)[] = []
  private draining = false
  private closed: Promise<void> | undefined
  /** One listener function for every response (`this` is the response that closed). */
  private readonly onClose: (this: ServerResponse) => void

  constructor(server: Server) {
    this.server = server
    // eslint-disable-next-line @typescript-eslint/no-this-alias
    const drain = this
    this.onClose = function (this: ServerResponse) {
      drain.done(this)
    }
  }

  /** Requests being answered right now. */
  get inflight(): number {
    return this.open.size
  }

  /** The listener is shutting down (issue 13: `/ready` answers 503 from here on). */
  get isDraining(): boolean {
    return this.draining
  }

  /** Count a request until its response closes; while draining, its connection closes after it. */
  track(_req: IncomingMessage, res: ServerResponse): void {
    this.open.add(res)
    if (this.draining) res.shouldKeepAlive = false
    res.once('close', this.onClose)
  }

  private done(res: ServerResponse): void {
    this.open.delete(res)
    if (this.draining) this.server.closeIdleConnections()
    if (this.open.size === 0) for (const wake of this.waiters.splice(0)) wake()
  }

  /** Run the drain (idempotent: later calls wait for the first). */
  drain(graceMs: number): Promise<void> {
    this.closed ??= this.run(graceMs)
    return this.closed
  }

  private async run(graceMs: number): Promise<void> {
    this.draining = true
    const closed = new Promise<void>((resolve) => this.server.close(() => resolve()))
    for (const res of this.open) if (!res.headersSent) res.shouldKeepAlive = false
    this.server.closeIdleConnections()
    if (this.open.size > 0 && graceMs > 0) {
      let timer: NodeJS.Timeout | undefined
      await Promise.race([
        new Promise<void>((resolve) => this.waiters.push(resolve)),
        new Promise<void>((resolve) => (timer = setTimeout(resolve, graceMs))),
      ])
      clearTimeout(timer)
    }
    this.server.closeAllConnections()
    await closed
  }
}
