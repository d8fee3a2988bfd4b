/**
 * Takes the usage the router asked for back out of a relayed stream. The router sets
 * `stream_options.include_usage` on streamed requests so every stream is counted in tokens and
 * cost (see Pipeline.finalise); a client that did not ask for usage must get the stream it would
 * have got without it. With include_usage an OpenAI-compatible server adds one chunk before
 * `[DONE]` whose `choices` is empty and whose `usage` holds the counts, and may add `"usage": null`
 * to the other chunks (OpenAI does) or put the counts on the last content chunk (some servers do).
 * So: an event whose JSON has `usage` and no choices is dropped; from any other event the `usage`
 * field is removed. Everything else passes byte for byte.
 *
 * Events are cut at their blank-line boundary, so a chunk that ends inside an event holds that
 * part back until the rest arrives (at most `maxEventBytes`; beyond that the stream passes as is).
 */

const LF2 = Buffer.from('\n\n')
const CRLF2 = Buffer.from('\r\n\r\n')

/** The end of the first complete event in `buf` (index after its blank line), or -1. */
function eventEnd(buf: Buffer): number {
  const lf = buf.indexOf(LF2)
  const crlf = buf.indexOf(CRLF2)
  if (lf === -1 && crlf === -1) return -1
  if (crlf === -1 || (lf !== -1 && lf < crlf)) return lf + 2
  return crlf + 4
}

/** The event to send instead of `event` (undefined: drop it), or `event` itself when unchanged. */
function rewrite(event: Buffer): Buffer | undefined {
  const text = event.toString('utf8')
  if (!text.includes('"usage"')) return event
  const match = /^data: ?(.*?)(\r?\n)+$/s.exec(text)
  if (!match || match[1]!.includes('\n')) return event
  let parsed: unknown
  try {
    parsed = JSON.parse(match[1]!)
  } catch {
    return event
  }
  if (typeof parsed !== 'object' || parsed === null || !('usage' in parsed)) return event
  const chunk = parsed as Record<string, unknown>
  const choices = chunk['choices']
  if (!Array.isArray(choices) || choices.length === 0) return undefined
  delete chunk['usage']
  return Buffer.from(`data: ${JSON.stringify(chunk)}\n\n`)
}

export class SseUsageStripper {
  private pending: Buffer = Buffer.alloc(0)
  private passThrough = false

  constructor(private readonly maxEventBytes: number) {}

  /** The bytes to send now for `chunk` (possibly empty: an event is still incomplete). */
  push(chunk: Buffer): Buffer {
    if (this.passThrough) return chunk
    let buf = this.pending.length === 0 ? chunk : Buffer.concat([this.pending, chunk])
    const out: Buffer[] = []
    let changed = this.pending.length > 0
    for (let end = eventEnd(buf); end !== -1; end = eventEnd(buf)) {
      const event = buf.subarray(0, end)
      const sent = rewrite(event)
      if (sent !== event) changed = true
      if (sent) out.push(sent)
      buf = buf.subarray(end)
    }
    if (buf.length > this.maxEventBytes) {
      // Not an event stream we can read: stop holding anything back.
      this.passThrough = true
      out.push(buf)
      buf = Buffer.alloc(0)
    } else if (buf.length > 0) changed = true
    this.pending = Buffer.from(buf)
    return changed ? Buffer.concat(out) : chunk
  }

  /** The end of the stream: whatever was held back goes out as it is. */
  end(): Buffer {
    const rest = this.pending
    this.pending = Buffer.alloc(0)
    return rest
  }
}
