/**
 * Writing a listener's own answers: JSON bodies, and errors with their one log line. The error body
 * shape belongs to the listener (OpenAI's envelope on the gateway, upstream's on the classification
 * API); everything else (headers, connection handling, logging) is the same everywhere.
 */
import type { ServerResponse } from 'node:http'
import { toOpenAIErrorBody, type RouterError } from '../errors.js'
import { logEvent, type Logger } from '../log.js'
import { REQUEST_ID_HEADER } from './request-id.js'

/**
 * Answer with a JSON body (already serialised). A response whose headers already went out cannot
 * change any more: it is cut instead, so the client sees a broken response, never a wrong one.
 */
export function sendJson(
  res: ServerResponse,
  status: number,
  body: string,
  headers: Readonly<Record<string, string>>,
): void {
  if (res.headersSent) {
    if (!res.writableEnded) res.destroy()
    return
  }
  res.writeHead(status, {
    ...headers,
    'content-type': headers['content-type'] ?? 'application/json',
    'content-length': Buffer.byteLength(body),
  })
  res.end(body)
}

/** What the log line of a failed request says about it. */
export interface RequestLogContext {
  readonly log: Logger
  readonly requestId: string
  readonly transport: string
  readonly method: string
  readonly path: string
  /** More fields for the line (e.g. ext_proc's `failure_mode`). */
  readonly fields?: Readonly<Record<string, unknown>>
}

export interface ErrorContext extends RequestLogContext {
  /** Close the connection after answering (the request body was not read to its end). */
  readonly closeConnection?: boolean
  /** Already logged where it was raised. */
  readonly logged?: boolean
  /** The listener's error body; default OpenAI's `{"error":{message,type,param,code}}`. */
  readonly body?: (err: RouterError) => unknown
  /** More headers for the error answer (e.g. `allow` on a 405). */
  readonly headers?: Readonly<Record<string, string>>
}

/** Log the error once and answer with the listener's error body (when nothing was sent yet). */
export function sendError(res: ServerResponse, err: RouterError, ctx: ErrorContext): void {
  if (!ctx.logged) logRequestError(err, ctx)
  if (res.headersSent || res.destroyed) {
    if (!res.writableEnded) res.destroy()
    return
  }
  const headers: Record<string, string> = {
    ...err.headers,
    ...ctx.headers,
    [REQUEST_ID_HEADER]: ctx.requestId,
  }
  if (ctx.closeConnection) headers['connection'] = 'close'
  const body = ctx.body ? ctx.body(err) : toOpenAIErrorBody(err)
  sendJson(res, err.status, JSON.stringify(body), headers)
}

/** The one `request_error` line a failed request gets, whichever listener it came in on. */
export function logRequestError(err: RouterError, ctx: RequestLogContext): void {
  const fields: Record<string, unknown> = {
    request_id: ctx.requestId,
    transport: ctx.transport,
    method: ctx.method,
    path: ctx.path,
    code: err.code,
    status: err.status,
    error: err.message,
    ...ctx.fields,
  }
  if (err.param !== undefined) fields['param'] = err.param
  if (err.code === 'internal_error' && err.cause instanceof Error) fields['stack'] = err.cause.stack
  logEvent(ctx.log, 'request_error', fields, levelOf(err, ctx.path))
}

/**
 * `not_ready` is the expected answer while models load, not a fault: readiness probes polling
 * `/ready` during start-up log at debug, other requests refused then at info. Other 5xx are errors.
 */
function levelOf(err: RouterError, path: string): 'debug' | 'info' | 'warn' | 'error' {
  if (err.code === 'not_ready') return path === '/ready' ? 'debug' : 'info'
  return err.status >= 500 ? 'error' : 'warn'
}
