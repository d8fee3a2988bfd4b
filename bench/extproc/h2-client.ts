/**
 * A minimal gRPC client for the benchmark, straight on node:http2: bidirectional streams of
 * pre-encoded messages, length-prefixed framing, the status from the trailers. It plays Envoy's
 * part, and Envoy's per-message cost is a few microseconds of C++; grpc-js's client machinery
 * (call stack, filters, metadata objects) costs the load generator several times what the bare
 * echo server costs, on the same two cores as the server under test. Both servers are measured
 * with the same client, so ratios stay comparable; `--client grpc-js` in load.ts keeps the old one.
 */
import { EventEmitter } from 'node:events'
import { connect, constants, type ClientHttp2Session, type ClientHttp2Stream } from 'node:http2'

const { HTTP2_HEADER_METHOD, HTTP2_HEADER_PATH, HTTP2_HEADER_CONTENT_TYPE, HTTP2_HEADER_TE } =
  constants

/** gRPC length-prefixed message: 1 byte compressed flag (0), 4 bytes big-endian length. */
export function frame(message: Buffer): Buffer {
  const out = Buffer.allocUnsafe(5 + message.length)
  out[0] = 0
  out.writeUInt32BE(message.length, 1)
  message.copy(out, 5)
  return out
}

export interface CallStatus {
  code: number
  details: string
}

/**
 * One call, with the subset of grpc-js's ClientDuplexStream the load generator uses: `write`
 * (already framed bytes), `end`, `cancel`, and the events `data` (one message), `error`, `status`.
 */
export class H2Call extends EventEmitter {
  private pending: Buffer | null = null
  private statusSent = false

  constructor(private readonly stream: ClientHttp2Stream) {
    super()
    stream.on('data', (chunk: Buffer) => this.onChunk(chunk))
    stream.on('response', (headers) => {
      // Trailers-only responses (errors) carry grpc-status in the headers.
      if (headers['grpc-status'] !== undefined) this.finish(headers)
    })
    stream.on('trailers', (trailers) => this.finish(trailers))
    stream.on('error', (err) => this.emit('error', err))
    stream.on('close', () =>
      this.finish({ 'grpc-status': '14', 'grpc-message': 'stream closed without status' }),
    )
  }

  write(framed: Buffer): void {
    this.stream.write(framed)
  }

  end(): void {
    this.stream.end()
  }

  cancel(): void {
    this.stream.close(constants.NGHTTP2_CANCEL)
  }

  private onChunk(chunk: Buffer): void {
    let buf = this.pending ? Buffer.concat([this.pending, chunk]) : chunk
    while (buf.length >= 5) {
      const length = buf.readUInt32BE(1)
      if (buf.length < 5 + length) break
      this.emit('data', buf.subarray(5, 5 + length))
      buf = buf.subarray(5 + length)
    }
    this.pending = buf.length > 0 ? buf : null
  }

  private finish(headers: Record<string, string | string[] | undefined>): void {
    if (this.statusSent) return
    this.statusSent = true
    const status: CallStatus = {
      code: Number(headers['grpc-status'] ?? 2),
      details: decodeURIComponent(String(headers['grpc-message'] ?? '')),
    }
    this.emit('status', status)
  }
}

/** One HTTP/2 connection carrying every call, as Envoy multiplexes requests on a few. */
export class H2GrpcClient {
  private readonly session: ClientHttp2Session

  constructor(
    target: string,
    private readonly path: string,
  ) {
    this.session = connect(`http://${target}`, { settings: { enablePush: false } })
    this.session.on('error', () => undefined)
  }

  call(): H2Call {
    const stream = this.session.request(
      {
        [HTTP2_HEADER_METHOD]: 'POST',
        [HTTP2_HEADER_PATH]: this.path,
        [HTTP2_HEADER_CONTENT_TYPE]: 'application/grpc',
        [HTTP2_HEADER_TE]: 'trailers',
      },
      { endStream: false },
    )
    return new H2Call(stream)
  }

  close(): void {
    this.session.close()
  }
}
