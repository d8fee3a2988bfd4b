/**
 * A gRPC server on node:http2: routes each stream by `:path` to its method, checks the request
 * is gRPC at all, and shuts down gracefully. HTTP/2 itself (framing, flow control, HPACK,
 * SETTINGS such as max concurrent streams, TLS with ALPN h2) is Node's.
 *
 * Requests that are not gRPC are refused per the gRPC-over-HTTP/2 spec: a method other than POST
 * gets HTTP 405, a content-type not starting with `application/grpc` HTTP 415; an unknown path or
 * an unsupported `grpc-encoding` gets UNIMPLEMENTED as a trailers-only response.
 */
import {
  constants,
  createSecureServer,
  createServer,
  type Http2SecureServer,
  type Http2Server,
  type Http2Session,
  type IncomingHttpHeaders,
  type ServerHttp2Stream,
} from 'node:http2'
import type { AddressInfo } from 'node:net'
import { responseHeaders, ServerCall, statusTrailers } from './call.js'
import type { MethodDefinition } from './methods.js'
import { GrpcStatus, type GrpcStatusCode } from './status.js'

export interface GrpcServerOptions {
  readonly methods: readonly MethodDefinition<never, never>[]
  /** Largest message accepted or sent, in bytes. */
  readonly maxMessageBytes: number
  /** Advertised in SETTINGS_MAX_CONCURRENT_STREAMS. */
  readonly maxConcurrentStreams: number
  /** PEM certificate and key: serve TLS (ALPN h2) instead of cleartext HTTP/2. */
  readonly tls?: { readonly cert: Buffer; readonly key: Buffer }
}

const MB = 1024 * 1024

export class GrpcServer {
  private readonly server: Http2Server | Http2SecureServer
  private readonly methods = new Map<string, MethodDefinition<never, never>>()
  private readonly sessions = new Set<Http2Session>()
  private readonly options: GrpcServerOptions
  private draining = false

  private constructor(options: GrpcServerOptions) {
    this.options = options
    for (const method of options.methods) this.methods.set(method.path, method)
    const http2Options = {
      settings: { maxConcurrentStreams: options.maxConcurrentStreams, enablePush: false },
      // nghttp2's per-connection memory cap (default 10 MB) refuses streams once thousands are
      // open on one connection or a few large bodies are in flight; size it to the message limit.
      maxSessionMemory: Math.max(64, Math.ceil((8 * options.maxMessageBytes) / MB)),
    }
    this.server = options.tls
      ? createSecureServer({ ...http2Options, cert: options.tls.cert, key: options.tls.key })
      : createServer(http2Options)
    this.server.on('session', (session) => this.track(session))
    this.server.on('stream', (stream, headers) => this.dispatch(stream, headers))
  }

  static async listen(options: GrpcServerOptions, host: string, port: number): Promise<GrpcServer> {
    const instance = new GrpcServer(options)
    await new Promise<void>((resolve, reject) => {
      instance.server.once('error', reject)
      instance.server.listen(port, host, () => {
        instance.server.off('error', reject)
        resolve()
      })
    })
    return instance
  }

  get port(): number {
    return (this.server.address() as AddressInfo).port
  }

  /**
   * Stop accepting connections, send GOAWAY on every open one (no new streams; open streams run
   * on), and resolve once all connections have closed, or after `graceMs` destroy what is left
   * (their calls are cancelled; `onForce` runs just before). Resolves to whether connections had
   * to be destroyed.
   */
  async shutdown(graceMs: number, onForce?: () => void): Promise<{ forced: boolean }> {
    this.draining = true
    const closed = new Promise<void>((resolve) => this.server.close(() => resolve()))
    for (const session of this.sessions) session.close()
    let timer: NodeJS.Timeout | undefined
    const graceOver = new Promise<'timeout'>((resolve) => {
      timer = setTimeout(() => resolve('timeout'), graceMs)
    })
    const first = await Promise.race([closed, graceOver])
    clearTimeout(timer)
    if (first !== 'timeout') return { forced: false }
    onForce?.()
    for (const session of this.sessions) session.destroy(undefined, constants.NGHTTP2_CANCEL)
    // A connection still in its TLS handshake has no session yet; do not wait on it for long.
    await Promise.race([closed, new Promise((resolve) => setTimeout(resolve, 1000).unref())])
    return { forced: true }
  }

  private track(session: Http2Session): void {
    this.sessions.add(session)
    session.on('close', () => this.sessions.delete(session))
    // A connection's failure closes only that connection; its calls see a cancel.
    session.on('error', () => undefined)
    if (this.draining) session.close()
  }

  private dispatch(stream: ServerHttp2Stream, headers: IncomingHttpHeaders): void {
    stream.on('error', () => undefined)
    if (headers[constants.HTTP2_HEADER_METHOD] !== 'POST')
      return refuseHttp(stream, 405, 'gRPC requires POST')
    const contentType = headers[constants.HTTP2_HEADER_CONTENT_TYPE]
    if (typeof contentType !== 'string' || !contentType.startsWith('application/grpc'))
      return refuseHttp(stream, 415, `content-type ${String(contentType ?? '(none)')} is not gRPC`)
    const encoding = headers['grpc-encoding']
    if (encoding !== undefined && encoding !== 'identity')
      return refuseCall(
        stream,
        GrpcStatus.UNIMPLEMENTED,
        `grpc-encoding ${String(encoding)} is not supported (grpc-accept-encoding: identity)`,
      )
    const path = String(headers[constants.HTTP2_HEADER_PATH] ?? '')
    const method = this.methods.get(path)
    if (!method) return refuseCall(stream, GrpcStatus.UNIMPLEMENTED, `unknown method ${path}`)
    const call = new ServerCall<never, never>(stream, headers, method.codec, {
      maxMessageBytes: this.options.maxMessageBytes,
    })
    method.start(call)
    call.start()
  }
}

/** A trailers-only gRPC error response; whatever the client still sends is discarded. */
function refuseCall(stream: ServerHttp2Stream, code: GrpcStatusCode, details: string): void {
  stream.respond({ ...responseHeaders(), ...statusTrailers(code, details) }, { endStream: true })
  stream.resume()
}

/**
 * Not a gRPC request: an HTTP status, which a gRPC client maps to UNKNOWN (grpc-status says the
 * same for clients that read it), and plain HTTP clients understand.
 */
function refuseHttp(stream: ServerHttp2Stream, status: number, details: string): void {
  stream.respond(
    {
      [constants.HTTP2_HEADER_STATUS]: status,
      [constants.HTTP2_HEADER_CONTENT_TYPE]: 'text/plain; charset=utf-8',
      ...statusTrailers(GrpcStatus.UNKNOWN, details),
    },
    { endStream: true },
  )
  stream.resume()
}
