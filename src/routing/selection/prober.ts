/**
 * Periodic HTTP probes of every configured endpoint (active health checks, vLLM metrics scrapes):
 * one GET per endpoint per interval, each bounded by a timeout and a body size limit, never two at
 * once to the same endpoint. Timers are unref'd (a prober never keeps the process alive) and
 * `close()` stops it (a runtime closes its probers when a reload replaces it).
 */
import type { EndpointTarget } from './types.js'

/** What one probe saw: the status and body, or the error (refused, timeout). */
export type ProbeResult =
  | { readonly ok: true; readonly status: number; readonly body: string }
  | { readonly ok: false; readonly error: string }

const MAX_BODY_BYTES = 1024 * 1024

export class EndpointProber {
  private readonly timer: NodeJS.Timeout
  private readonly busy = new Set<string>()
  private closed = false

  constructor(
    private readonly endpoints: readonly EndpointTarget[],
    private readonly options: {
      readonly path: string
      readonly intervalMs: number
      readonly timeoutMs: number
      /** Wants the body (metrics scrapes); health checks only need the status. */
      readonly readBody: boolean
      readonly onResult: (endpoint: EndpointTarget, result: ProbeResult) => void
    },
  ) {
    this.timer = setInterval(() => this.round(), options.intervalMs)
    this.timer.unref()
    this.round()
  }

  close(): void {
    this.closed = true
    clearInterval(this.timer)
  }

  private round(): void {
    for (const endpoint of this.endpoints) {
      if (this.busy.has(endpoint.name)) continue
      this.busy.add(endpoint.name)
      void this.probe(endpoint).then((result) => {
        this.busy.delete(endpoint.name)
        if (!this.closed) this.options.onResult(endpoint, result)
      })
    }
  }

  private async probe(endpoint: EndpointTarget): Promise<ProbeResult> {
    const url = `${endpoint.protocol}://${endpoint.hostPort}${this.options.path}`
    try {
      const res = await fetch(url, { signal: AbortSignal.timeout(this.options.timeoutMs) })
      if (!this.options.readBody) {
        await res.body?.cancel()
        return { ok: true, status: res.status, body: '' }
      }
      return { ok: true, status: res.status, body: await readBounded(res) }
    } catch (err) {
      return { ok: false, error: (err as Error).message }
    }
  }
}

/** The body as text, at most MAX_BODY_BYTES of it (the rest is not read). */
async function readBounded(res: Response): Promise<string> {
  if (!res.body) return ''
  const chunks: Uint8Array[] = []
  let bytes = 0
  for await (const part of res.body) {
    const chunk = part as Uint8Array
    chunks.push(chunk)
    bytes += chunk.length
    if (bytes >= MAX_BODY_BYTES) break
  }
  return Buffer.concat(chunks).subarray(0, MAX_BODY_BYTES).toString('utf8')
}
