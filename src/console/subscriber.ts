/**
 * One open console: a Server-Sent Events response with a bounded send buffer. A console that
 * cannot keep up (its socket buffer past the limit) is dropped — the response ends, the browser
 * reconnects and starts again from a fresh `hello` — so a slow client never makes the router hold
 * more than `maxBufferBytes` for it.
 */
import type { ServerResponse } from 'node:http'

export type DropReason = 'slow' | 'closed' | 'shutdown' | 'disabled'

export class Subscriber {
  private readonly res: ServerResponse
  private readonly maxBufferBytes: number
  private readonly onGone: (s: Subscriber, reason: DropReason) => void
  private gone = false

  constructor(
    res: ServerResponse,
    maxBufferBytes: number,
    onGone: (s: Subscriber, reason: DropReason) => void,
  ) {
    this.res = res
    this.maxBufferBytes = maxBufferBytes
    this.onGone = onGone
    res.once('close', () => this.end('closed'))
  }

  get open(): boolean {
    return !this.gone
  }

  /** Queue one frame; false when the subscriber is gone (or was just dropped for being slow). */
  send(frame: string): boolean {
    if (this.gone) return false
    if (this.res.writableLength + Buffer.byteLength(frame) > this.maxBufferBytes) {
      this.end('slow')
      return false
    }
    this.res.write(frame)
    return true
  }

  end(reason: DropReason): void {
    if (this.gone) return
    this.gone = true
    if (reason === 'slow') this.res.destroy()
    else if (!this.res.writableEnded) this.res.end()
    this.onGone(this, reason)
  }
}

/** One SSE event (the data is JSON: a single line). */
export function sseFrame(event: string, data: unknown): string {
  return `event: ${event}\ndata: ${JSON.stringify(data)}\n\n`
}

/** A comment line: keeps proxies from closing an idle stream. */
export const SSE_PING = ': ping\n\n'
