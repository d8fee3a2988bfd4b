/**
 * A node:http listener with the pieces every server of the router needs: bounded request timing,
 * `listen` on a port (0 = free port), and a graceful drain on close. The gateway, the
 * classification API, the metrics endpoint and the simulator are all built on it.
 */
import { createServer, type RequestListener, type Server, type ServerOptions } from 'node:http'
import { Drain } from './drain.js'
import { listen, type Listening } from './listen.js'

export interface HttpListenerOptions {
  /** Longest time a client may take to send a whole request (slow-loris bound). */
  readonly requestTimeoutMs: number
  /** Longest time a client may take to send the request headers. */
  readonly headersTimeoutMs: number
  /** How long an idle keep-alive connection stays open. */
  readonly keepAliveTimeoutMs?: number
  /** Most headers per request (node's default is 2000). */
  readonly maxHeadersCount?: number
}

export class HttpListener {
  readonly server: Server
  readonly drain: Drain

  constructor(options: HttpListenerOptions, handler: RequestListener) {
    const serverOptions: ServerOptions = {
      requestTimeout: options.requestTimeoutMs,
      headersTimeout: options.headersTimeoutMs,
      ...(options.keepAliveTimeoutMs === undefined
        ? {}
        : { keepAliveTimeout: options.keepAliveTimeoutMs }),
    }
    this.server = createServer(serverOptions, (req, res) => {
      this.drain.track(req, res)
      handler(req, res)
    })
    if (options.maxHeadersCount !== undefined) this.server.maxHeadersCount = options.maxHeadersCount
    this.drain = new Drain(this.server)
  }

  listen(port: number, host: string): Promise<Listening> {
    return listen(this.server, port, host)
  }

  /** Drain: stop accepting, close keep-alive connections, give requests `graceMs` to finish. */
  close(graceMs: number): Promise<void> {
    return this.drain.drain(graceMs)
  }
}
