/**
 * Forward one request to its endpoint and relay the response to the client as it arrives.
 *
 * Uses undici's dispatch handler API directly: no intermediate streams, and backpressure is exact —
 * when the client socket is full the upstream read is paused until it drains. Server-sent events go
 * out chunk by chunk as they come in (headers are flushed at once for streams so clients see the
 * status before the first token).
 *
 * Nothing reaches the client before the endpoint's first body byte (the response is *committed*
 * then): until that moment a failure — refused connection, timeout, a connection cut after the
 * headers — or a status the caller will retry (`retryStatus`: 429, 5xx) leaves the client
 * untouched, and the caller may try another endpoint. Failures after the commit cannot change the
 * status any more: a stream gets an OpenAI error event and ends; a JSON body is cut (the socket is
 * destroyed so the client sees a truncated response, never a silently short one).
 *
 * Deadlines per try: undici's connect, headers (time to first byte) and body (idle between chunks)
 * timeouts, plus `totalTimeoutMs` for the whole try and `queueTimeoutMs` for a request that waits
 * behind a saturated endpoint's connection pool.
 */
import type { IncomingHttpHeaders, ServerResponse } from 'node:http'
import type { Dispatcher } from 'undici'
import { RouterError, toOpenAIErrorBody, type ErrorCode } from '../errors.js'
import type { ResponseTracker } from '../pipeline/response-tracker.js'
import { MAX_HELD_ERROR_BODY } from '../pipeline/upstream-error.js'
import type { ClientWatch } from './client-watch.js'
import { clientResponseHeaders } from './headers.js'

/** Counts the tries undici is running per dispatcher (UpstreamPools: the saturation check). */
export interface TryCounter {
  started(dispatcher: Dispatcher): void
  finished(dispatcher: Dispatcher): void
}

export interface ForwardRequest {
  readonly dispatcher: Dispatcher
  /** Told when undici takes the try and when it is done with it (response ended or failed). */
  readonly tries?: TryCounter
  readonly path: string
  readonly headers: string[]
  readonly body: Buffer
  readonly res: ServerResponse
  readonly tracker: ResponseTracker
  /** Headers the router adds to every response (x-request-id). */
  readonly extraHeaders: Readonly<Record<string, string>>
  /** Tells when the client goes away. */
  readonly client: ClientWatch
  /** A status that should be retried elsewhere instead of relayed (only while tries are left). */
  readonly retryStatus?: (status: number) => boolean
  /** Per-try deadlines (undefined: the pool's defaults / none). */
  readonly headersTimeoutMs?: number
  readonly bodyTimeoutMs?: number
  readonly totalTimeoutMs?: number
  /** Set when the endpoint's pool is saturated: how long to wait for a connection. */
  readonly queueTimeoutMs?: number
}

export type ForwardResult =
  | { readonly kind: 'done' }
  /** The client went away; the upstream call was aborted. */
  | { readonly kind: 'cancelled' }
  /** Nothing was sent to the client yet: the caller answers with `error` (or tries again). */
  | { readonly kind: 'failed'; readonly error: RouterError }
  /** The endpoint answered a `retryStatus`; nothing was sent to the client. */
  | { readonly kind: 'retry'; readonly status: number; readonly retryAfter?: string }
  /** The response had started; it has been ended or cut here. */
  | { readonly kind: 'broken'; readonly error: RouterError }

/** Thrown into undici when the client disconnects. */
export class ClientGoneError extends Error {
  override readonly name = 'ClientGoneError'
  readonly code = 'client_disconnected'
}

/** Raised into undici when a try overruns `totalTimeoutMs`. */
class TryTimeoutError extends Error {
  override readonly name = 'TryTimeoutError'
  readonly code = 'VSR_TOTAL_TIMEOUT'
}

/** Raised into undici to drop a response whose status will be retried elsewhere. */
class RetryStatusError extends Error {
  override readonly name = 'RetryStatusError'
}

export function forward(req: ForwardRequest): Promise<ForwardResult> {
  return new Promise((resolve) => {
    new RelayHandler(req, resolve).dispatch()
  })
}

class RelayHandler implements Dispatcher.DispatchHandler {
  private readonly req: ForwardRequest
  private readonly resolve: (r: ForwardResult) => void
  private controller: Dispatcher.DispatchController | undefined
  private started = false
  private streaming = false
  private settled = false
  /** Counted in `tries` until undici ends or fails the response. */
  private counted = false
  /** The endpoint's status and headers, kept until the first body byte commits the response. */
  private pending: { status: number; headers: IncomingHttpHeaders } | undefined
  private retry: { status: number; retryAfter?: string } | undefined
  /** The try's deadlines (total, and queue when the pool is saturated). */
  private totalTimer: NodeJS.Timeout | undefined
  private queueTimer: NodeJS.Timeout | undefined
  /** An upstream error body held (up to MAX_HELD_ERROR_BODY) until the router decides on it. */
  private held:
    { status: number; headers: (string | string[])[]; chunks: Buffer[]; bytes: number } | undefined
  /** Bound in the constructor (a class-field arrow would pay tsx's __name per try). */
  private readonly onAbort: () => void

  constructor(req: ForwardRequest, resolve: (r: ForwardResult) => void) {
    this.req = req
    this.resolve = resolve
    this.onAbort = this.clientGone.bind(this)
  }

  private clientGone(): void {
    this.controller?.abort(new ClientGoneError('client disconnected'))
  }

  dispatch(): void {
    const { client } = this.req
    if (client.gone) {
      this.settle({ kind: 'cancelled' })
      return
    }
    client.onGone(this.onAbort)
    const { headersTimeoutMs, bodyTimeoutMs, totalTimeoutMs, queueTimeoutMs } = this.req
    if (totalTimeoutMs !== undefined)
      this.totalTimer = after(totalTimeoutMs, () => this.giveUp(new TryTimeoutError('total')))
    if (queueTimeoutMs !== undefined)
      this.queueTimer = after(queueTimeoutMs, () => {
        if (this.controller === undefined)
          this.giveUp(
            new RouterError(
              'upstream_timeout',
              'upstream timed out (waiting for a free connection to a saturated endpoint)',
            ),
          )
      })
    this.req.tries?.started(this.req.dispatcher)
    this.counted = true
    this.req.dispatcher.dispatch(
      {
        method: 'POST',
        path: this.req.path,
        headers: this.req.headers,
        body: this.req.body,
        ...(headersTimeoutMs === undefined ? {} : { headersTimeout: headersTimeoutMs }),
        ...(bodyTimeoutMs === undefined ? {} : { bodyTimeout: bodyTimeoutMs }),
      },
      this,
    )
  }

  onRequestStart(controller: Dispatcher.DispatchController): void {
    this.controller = controller
    // Given up while queued: the request must not go out now.
    if (this.settled) controller.abort(new TryTimeoutError('abandoned'))
    else if (this.req.client.gone) this.onAbort()
  }

  onResponseStart(
    controller: Dispatcher.DispatchController,
    statusCode: number,
    headers: IncomingHttpHeaders,
  ): void {
    if (this.req.retryStatus?.(statusCode)) {
      const retryAfter = headers['retry-after']
      this.retry = {
        status: statusCode,
        ...(typeof retryAfter === 'string' ? { retryAfter } : {}),
      }
      controller.abort(new RetryStatusError(String(statusCode)))
      return
    }
    this.pending = { status: statusCode, headers }
  }

  /** The first body byte (or the end of an empty body): the client gets status and headers. */
  private commit(): void {
    const pending = this.pending
    if (pending === undefined || this.started) return
    const { status: statusCode, headers } = pending
    const { res, tracker } = this.req
    const out = clientResponseHeaders(
      headers,
      tracker.begin(statusCode, headers),
      this.req.extraHeaders,
    )
    this.started = true
    const type = headers['content-type']
    this.streaming = typeof type === 'string' && type.startsWith('text/event-stream')
    if (tracker.holdsBody) {
      this.held = { status: statusCode, headers: out, chunks: [], bytes: 0 }
      return
    }
    res.writeHead(statusCode, out)
    if (this.streaming) res.flushHeaders()
  }

  onResponseData(controller: Dispatcher.DispatchController, chunk: Buffer): void {
    this.commit()
    // What the client gets: the chunk, minus a usage chunk the router asked for on its behalf.
    chunk = this.req.tracker.onChunk(chunk)
    if (chunk.length === 0) return
    const held = this.held
    if (held) {
      held.chunks.push(chunk)
      held.bytes += chunk.length
      if (held.bytes <= MAX_HELD_ERROR_BODY) return
      // Too large to be a bare error page: pass it through as it comes.
      this.held = undefined
      this.req.res.writeHead(held.status, held.headers)
      chunk = Buffer.concat(held.chunks)
    }
    if (!this.req.res.write(chunk)) {
      controller.pause()
      this.req.res.once('drain', () => controller.resume())
    }
  }

  onResponseEnd(): void {
    this.uncount()
    this.commit()
    const { res, tracker } = this.req
    const held = this.held
    if (held) {
      // A small JSON answer usually arrives in one chunk: no copy then.
      const body = held.chunks.length === 1 ? held.chunks[0]! : Buffer.concat(held.chunks)
      const reply = tracker.errorReply(body)
      if (reply) {
        res.writeHead(reply.status, { ...reply.headers, ...this.req.extraHeaders })
        res.end(reply.body)
      } else res.writeHead(held.status, held.headers).end(body)
    } else res.end(tracker.flush())
    this.settle({ kind: 'done' })
  }

  onResponseError(_controller: Dispatcher.DispatchController, err: Error): void {
    this.uncount()
    const { res } = this.req
    if (err instanceof RetryStatusError && this.retry) {
      this.settle({ kind: 'retry', ...this.retry })
      return
    }
    if (err instanceof ClientGoneError || this.req.client.gone) {
      if (!res.destroyed) res.destroy()
      this.settle({ kind: 'cancelled' })
      return
    }
    const error = classify(err, this.started)
    if (!this.started) {
      this.settle({ kind: 'failed', error })
      return
    }
    if (this.streaming && !res.destroyed) {
      // OpenAI clients surface an `error` event as an APIError instead of a silent short stream.
      res.end(`data: ${JSON.stringify(toOpenAIErrorBody(error))}\n\n`)
    } else {
      res.destroy()
    }
    this.settle({ kind: 'broken', error })
  }

  private uncount(): void {
    if (!this.counted) return
    this.counted = false
    this.req.tries?.finished(this.req.dispatcher)
  }

  /** A deadline passed: abort the call (or, still queued, settle now and abort when it starts). */
  private giveUp(err: Error): void {
    if (this.settled) return
    if (this.controller) this.controller.abort(err)
    else this.settle({ kind: 'failed', error: classify(err) })
  }

  private settle(result: ForwardResult): void {
    if (this.settled) return
    this.settled = true
    if (this.totalTimer) clearTimeout(this.totalTimer)
    if (this.queueTimer) clearTimeout(this.queueTimer)
    this.req.client.onGone(undefined)
    this.resolve(result)
  }
}

function after(ms: number, fn: () => void): NodeJS.Timeout {
  const timer = setTimeout(fn, ms)
  timer.unref()
  return timer
}

const UNAVAILABLE = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'EPIPE',
  'UND_ERR_SOCKET',
  'UND_ERR_CLOSED',
  'UND_ERR_DESTROYED',
])
const TIMEOUT = new Set([
  'VSR_TOTAL_TIMEOUT',
  'UND_ERR_CONNECT_TIMEOUT',
  'UND_ERR_HEADERS_TIMEOUT',
  'UND_ERR_BODY_TIMEOUT',
])

/** Map an undici / socket error to a stable router error code. */
export function classify(err: Error, started = false): RouterError {
  if (err instanceof RouterError) return err
  const code = (err as { code?: unknown }).code
  let routerCode: ErrorCode
  let message: string
  if (typeof code === 'string' && TIMEOUT.has(code)) {
    routerCode = 'upstream_timeout'
    message = `upstream timed out (${timeoutPhase(code)})`
  } else if (started) {
    routerCode = 'upstream_stream_aborted'
    message = `upstream response ended unexpectedly: ${err.message}`
  } else if (typeof code === 'string' && UNAVAILABLE.has(code)) {
    routerCode = 'upstream_unavailable'
    message = `upstream unreachable: ${err.message}`
  } else if (
    err.name === 'HTTPParserError' ||
    (typeof code === 'string' && (code.startsWith('HPE_') || code === 'UND_ERR_INFO'))
  ) {
    // Not HTTP at all (another protocol on the port) or a malformed HTTP answer.
    routerCode = 'upstream_protocol_error'
    message = `upstream sent an invalid response: ${err.message}`
  } else {
    routerCode = 'upstream_unavailable'
    message = `upstream request failed: ${err.message}`
  }
  return new RouterError(routerCode, message, { cause: err })
}

function timeoutPhase(code: string): string {
  if (code === 'UND_ERR_CONNECT_TIMEOUT') return 'connect'
  if (code === 'VSR_TOTAL_TIMEOUT') return 'total time for one try'
  if (code === 'UND_ERR_HEADERS_TIMEOUT') return 'waiting for response headers'
  return 'waiting for the response body'
}
