/**
 * Reading a request body into one Buffer with a hard size limit. A declared Content-Length over the
 * limit is refused before reading a byte; a chunked body is cut off as soon as it crosses it.
 */
import type { IncomingMessage } from 'node:http'
import { RouterError } from '../errors.js'
import { parseClientJson } from '../json-limits.js'

export interface LimitedBody {
  /** What arrived, up to the limit. */
  readonly body: Buffer
  /** The body was larger than the limit (reading stopped there; the connection should close). */
  readonly truncated: boolean
  /** `grow` refused the body's size (reading stopped there; the connection should close). */
  readonly refused?: boolean
}

/**
 * Asked for each size the body reaches (the declared length first, then the running total);
 * false stops reading (e.g. the in-flight body budget, src/edge/body-budget.ts).
 */
export type GrowBody = (total: number) => boolean

/**
 * The body up to `limit` bytes, saying whether there was more (for listeners that still want to
 * look at what arrived, like the simulator's request recorder).
 */
export function readBodyUpTo(
  req: IncomingMessage,
  limit: number,
  grow?: GrowBody,
): Promise<LimitedBody> {
  const declared = req.headers['content-length']
  if (declared !== undefined && Number(declared) > limit)
    return Promise.resolve({ body: Buffer.alloc(0), truncated: true })
  if (grow && declared !== undefined && !grow(Number(declared) || 0))
    return Promise.resolve({ body: Buffer.alloc(0), truncated: false, refused: true })
  return new Promise<LimitedBody>((resolve, reject) => {
    new BodyReader(req, limit, grow, resolve, reject).listen()
  })
}

/**
 * One body being read. Its listeners are bound methods rather than named closures: under tsx
 * (esbuild keepNames) every named closure pays an Object.defineProperty, per request here.
 */
class BodyReader {
  private readonly chunks: Buffer[] = []
  private size = 0
  private readonly onData = this.data.bind(this)
  private readonly onEnd = this.end.bind(this)
  private readonly onError = this.error.bind(this)
  private readonly onAborted = this.aborted.bind(this)

  constructor(
    private readonly req: IncomingMessage,
    private readonly limit: number,
    private readonly grow: GrowBody | undefined,
    private readonly resolve: (body: LimitedBody) => void,
    private readonly reject: (err: Error) => void,
  ) {}

  listen(): void {
    this.req.on('data', this.onData)
    this.req.on('end', this.onEnd)
    this.req.on('error', this.onError)
    this.req.on('aborted', this.onAborted)
  }

  private data(chunk: Buffer): void {
    const { chunks, size } = this
    if (size + chunk.length > this.limit) {
      this.cleanup()
      // Stop reading; the caller answers 413 and closes the connection.
      this.req.pause()
      this.resolve({ body: join(chunks, size), truncated: true })
      return
    }
    if (this.grow && !this.grow(size + chunk.length)) {
      this.cleanup()
      this.req.pause()
      this.resolve({ body: join(chunks, size), truncated: false, refused: true })
      return
    }
    this.size = size + chunk.length
    chunks.push(chunk)
  }

  private end(): void {
    this.cleanup()
    this.resolve({ body: join(this.chunks, this.size), truncated: false })
  }

  private error(err: Error): void {
    this.cleanup()
    this.reject(err)
  }

  private aborted(): void {
    this.cleanup()
    this.reject(new RouterError('invalid_request', 'client closed the connection mid-body'))
  }

  private cleanup(): void {
    this.req.off('data', this.onData)
    this.req.off('end', this.onEnd)
    this.req.off('error', this.onError)
    this.req.off('aborted', this.onAborted)
  }
}

/**
 * The whole body, or a `body_too_large` (413) rejection past `limit` bytes, or `refusal()` when
 * `grow` refuses its size.
 */
export async function readBody(
  req: IncomingMessage,
  limit: number,
  budget?: { readonly grow: GrowBody; readonly refusal: () => RouterError },
): Promise<Buffer> {
  const { body, truncated, refused } = await readBodyUpTo(req, limit, budget?.grow)
  if (truncated) throw bodyTooLarge(limit)
  if (refused) throw budget!.refusal()
  return body
}

export function bodyTooLarge(limit: number): RouterError {
  return new RouterError('body_too_large', `Request body exceeds the limit of ${limit} bytes`)
}

/** A JSON request body; `undefined` for an empty one, `invalid_json` (400) for anything unparsable. */
export function parseJsonBody(raw: Buffer): unknown {
  if (raw.length === 0) return undefined
  return parseClientJson(raw.toString('utf8'))
}

function join(chunks: Buffer[], size: number): Buffer {
  return chunks.length === 1 ? (chunks[0] as Buffer) : Buffer.concat(chunks, size)
}
