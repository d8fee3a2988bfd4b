/**
 * Remembers exactly what the simulator received — method, path, headers, raw body — so tests can
 * assert what the router forwarded. A bounded ring: the oldest entries go first.
 */
import type { IncomingHttpHeaders } from 'node:http'

export interface ReceivedRequest {
  /** Increasing number per simulator, starting at 1 (stable across `clear`). */
  readonly seq: number
  readonly receivedAt: string
  /** The port of the simulator listener that received it. */
  readonly port: number
  readonly method: string
  /** Path with query string, as sent. */
  readonly path: string
  /** Headers as Node parsed them (lower-case names). */
  readonly headers: Readonly<IncomingHttpHeaders>
  /** Header name/value pairs exactly as sent, in order, original case. */
  readonly rawHeaders: readonly string[]
  /** The raw body bytes (empty for GET). */
  readonly body: Buffer
  /** The body decoded as UTF-8. */
  readonly bodyText: string
  /** The body parsed as JSON, or undefined when it is not JSON. */
  readonly json: unknown
  /** True when the body exceeded the size limit and only its first part was kept. */
  readonly truncated: boolean
}

export interface RecordInput {
  port: number
  method: string
  path: string
  headers: IncomingHttpHeaders
  rawHeaders: string[]
  body: Buffer
  truncated: boolean
}

export class RequestRecorder {
  private readonly entries: ReceivedRequest[] = []
  private nextSeq = 1

  constructor(private readonly limit: number) {}

  record(input: RecordInput): ReceivedRequest {
    const bodyText = input.body.toString('utf8')
    let json: unknown
    if (!input.truncated && bodyText.length > 0) {
      try {
        json = JSON.parse(bodyText)
      } catch {
        json = undefined
      }
    }
    const entry: ReceivedRequest = {
      seq: this.nextSeq++,
      receivedAt: new Date().toISOString(),
      port: input.port,
      method: input.method,
      path: input.path,
      headers: input.headers,
      rawHeaders: input.rawHeaders,
      body: input.body,
      bodyText,
      json,
      truncated: input.truncated,
    }
    if (this.limit <= 0) return entry
    this.entries.push(entry)
    if (this.entries.length > this.limit) this.entries.splice(0, this.entries.length - this.limit)
    return entry
  }

  list(): ReceivedRequest[] {
    return [...this.entries]
  }

  clear(): number {
    const n = this.entries.length
    this.entries.length = 0
    return n
  }
}

/** The JSON shape served by `GET /_simulator/requests` (body as text; bytes do not fit JSON). */
export function receivedToJson(r: ReceivedRequest): Record<string, unknown> {
  return {
    seq: r.seq,
    received_at: r.receivedAt,
    port: r.port,
    method: r.method,
    path: r.path,
    headers: r.headers,
    raw_headers: r.rawHeaders,
    body: r.bodyText,
    json: r.json ?? null,
    truncated: r.truncated,
  }
}
