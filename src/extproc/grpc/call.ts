/**
 * One gRPC call on one HTTP/2 stream, for every method shape. Incoming DATA is decoded into
 * messages and handed to `onMessage`; the client's END_STREAM becomes `onHalfClose`. The call
 * ends exactly once: `end()` (OK) or `fail()` by the handler, or `onCancel` when the client
 * resets the stream, its connection goes away, the deadline passes, or what it sent cannot be
 * read (the client gets the matching status then).
 *
 * Response headers go out with the first message; a call that ends before any message answers
 * trailers-only (one HEADERS frame with the status). Writes respect HTTP/2 backpressure: while
 * the stream's write buffer is full, reading the client's messages pauses.
 */
import { constants, type IncomingHttpHeaders, type ServerHttp2Stream } from 'node:http2'
import { parseGrpcTimeout } from './deadline.js'
import { frameMessage, MessageDecoder } from './framing.js'
import { encodeGrpcMessage, GrpcError, GrpcStatus, type GrpcStatusCode } from './status.js'

export interface MessageCodec<Req, Res> {
  /** Throws on bytes that are not a valid request message. */
  decode(bytes: Buffer): Req
  encode(message: Res): Uint8Array
}

export interface CallLimits {
  /** Largest message accepted or sent, in bytes (without the 5-byte prefix). */
  readonly maxMessageBytes: number
}

/** Headers every gRPC response starts with. */
export function responseHeaders(): Record<string, string | number> {
  return {
    [constants.HTTP2_HEADER_STATUS]: 200,
    [constants.HTTP2_HEADER_CONTENT_TYPE]: 'application/grpc',
    'grpc-accept-encoding': 'identity',
  }
}

export function statusTrailers(code: GrpcStatusCode, details: string): Record<string, string> {
  const trailers: Record<string, string> = { 'grpc-status': String(code) }
  if (details !== '') trailers['grpc-message'] = encodeGrpcMessage(details)
  return trailers
}

export class ServerCall<Req, Res> {
  /** Each request message, in order. */
  onMessage: (message: Req) => void = () => undefined
  /** The client sent all its messages (END_STREAM). */
  onHalfClose: () => void = () => undefined
  /** The call ended without the handler ending it; stop work and release what it holds. */
  onCancel: () => void = () => undefined

  private readonly decoder: MessageDecoder
  private done = false
  private headersSent = false
  private readPaused = false
  private trailers: Record<string, string> | undefined
  private deadline: NodeJS.Timeout | undefined

  constructor(
    private readonly stream: ServerHttp2Stream,
    readonly headers: IncomingHttpHeaders,
    private readonly codec: MessageCodec<Req, Res>,
    private readonly limits: CallLimits,
  ) {
    this.decoder = new MessageDecoder(limits.maxMessageBytes)
  }

  /** True once a status was sent or the call was cancelled. */
  get ended(): boolean {
    return this.done
  }

  /** Starts reading; called after the handler installed its callbacks. */
  start(): void {
    const stream = this.stream
    stream.on('data', (chunk: Buffer) => this.onData(chunk))
    // Node ends the readable side of a stream the client reset too, and emits 'aborted' in a
    // later callback of the same socket read: look one turn later, so a reset is not taken for
    // the client's END_STREAM.
    stream.on('end', () => setImmediate(() => this.onEnd()))
    // A reset ('aborted') or a connection torn down ('close') cancels a call that has not ended.
    stream.on('aborted', () => this.cancel())
    stream.on('close', () => this.cancel())
    stream.on('error', () => this.cancel())
    const timeoutMs = parseGrpcTimeout(this.headers['grpc-timeout'])
    if (timeoutMs !== undefined)
      this.deadline = setTimeout(() => {
        this.failAndCancel(GrpcStatus.DEADLINE_EXCEEDED, 'deadline exceeded')
      }, timeoutMs)
  }

  /** Sends one message; false when the stream is backed up (or the call has ended). */
  write(message: Res): boolean {
    if (this.done) return false
    let bytes: Uint8Array
    try {
      bytes = this.codec.encode(message)
    } catch (err) {
      this.failAndCancel(GrpcStatus.INTERNAL, `cannot encode response: ${(err as Error).message}`)
      return false
    }
    if (bytes.length > this.limits.maxMessageBytes) {
      this.failAndCancel(
        GrpcStatus.RESOURCE_EXHAUSTED,
        `response larger than max (${bytes.length} vs. ${this.limits.maxMessageBytes})`,
      )
      return false
    }
    if (!this.headersSent) this.sendHeaders()
    const flushed = this.stream.write(frameMessage(bytes))
    if (!flushed && !this.readPaused) {
      this.readPaused = true
      this.stream.pause()
      this.stream.once('drain', () => {
        this.readPaused = false
        this.stream.resume()
      })
    }
    return flushed
  }

  /** Ends the call with OK. */
  end(): void {
    this.finish(GrpcStatus.OK, '')
  }

  /** Ends the call with an error status (the handler's own failure; no onCancel). */
  fail(code: GrpcStatusCode, details: string): void {
    this.finish(code, details)
  }

  private onData(chunk: Buffer): void {
    if (this.done) return
    try {
      this.decoder.push(chunk, (bytes) => {
        if (this.done) return
        let message: Req
        try {
          message = this.codec.decode(bytes)
        } catch (err) {
          throw new GrpcError(
            GrpcStatus.INTERNAL,
            `cannot decode request: ${(err as Error).message}`,
          )
        }
        this.onMessage(message)
      })
    } catch (err) {
      if (err instanceof GrpcError) this.failAndCancel(err.code, err.message)
      else throw err
    }
  }

  private onEnd(): void {
    if (this.done) return
    if (this.decoder.midMessage)
      this.failAndCancel(GrpcStatus.INTERNAL, 'stream ended in the middle of a message')
    else this.onHalfClose()
  }

  /** The client's fault: tell it why, and let the handler clean up as for a cancel. */
  private failAndCancel(code: GrpcStatusCode, details: string): void {
    if (this.done) return
    this.finish(code, details)
    this.onCancel()
  }

  private cancel(): void {
    if (this.done) return
    this.done = true
    clearTimeout(this.deadline)
    this.onCancel()
  }

  private sendHeaders(): void {
    this.headersSent = true
    this.stream.respond(responseHeaders(), { waitForTrailers: true })
    this.stream.once('wantTrailers', () => {
      if (this.trailers && !this.stream.destroyed) this.stream.sendTrailers(this.trailers)
    })
  }

  private finish(code: GrpcStatusCode, details: string): void {
    if (this.done) return
    this.done = true
    clearTimeout(this.deadline)
    const stream = this.stream
    if (stream.destroyed || stream.closed) return
    if (this.readPaused) stream.resume()
    const trailers = statusTrailers(code, details)
    if (this.headersSent) {
      this.trailers = trailers
      stream.end()
    } else {
      // Trailers-only: the status rides in the one HEADERS frame that ends the stream.
      stream.respond({ ...responseHeaders(), ...trailers }, { endStream: true })
    }
  }
}
