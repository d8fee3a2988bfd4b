/** Writing the gateway's own answers: JSON bodies and OpenAI-shaped errors (one log line each). */
import type { ServerResponse } from 'node:http'
import { toOpenAIErrorBody, type RouterError } from '../errors.js'
import { logEvent, type Logger } from '../log.js'

export function sendJson(
  res: ServerResponse,
  status: number,
  body: string,
  headers: Readonly<Record<string, string>>,
): void {
  res.writeHead(status, {
    ...headers,
    'content-type': headers['content-type'] ?? 'application/json',
    'content-length': Buffer.byteLength(body),
  })
  res.end(body)
}

export interface ErrorContext {
  readonly log: Logger
  readonly requestId: string
  readonly transport: string
  readonly method: string
  readonly path: string
  /** Close the connection after answering (the request body was not read to its end). */
  readonly closeConnection?: boolean
  /** Already logged where it was raised. */
  readonly logged?: boolean
}

/** Log the error once and answer with the OpenAI error envelope (when nothing was sent yet). */
export function sendError(res: ServerResponse, err: RouterError, ctx: ErrorContext): void {
  if (!ctx.logged) logRequestError(err, ctx)
  if (res.headersSent || res.destroyed) {
    if (!res.writableEnded) res.destroy()
    return
  }
  const headers: Record<string, string> = { 'x-request-id': ctx.requestId }
  if (ctx.closeConnection) headers['connection'] = 'close'
  sendJson(res, err.status, JSON.stringify(toOpenAIErrorBody(err)), headers)
}

export function logRequestError(
  err: RouterError,
  ctx: Pick<ErrorContext, 'log' | 'requestId' | 'transport' | 'method' | 'path'>,
): void {
  const fields: Record<string, unknown> = {
    request_id: ctx.requestId,
    transport: ctx.transport,
    method: ctx.method,
    path: ctx.path,
    code: err.code,
    status: err.status,
    error: err.message,
  }
  if (err.param !== undefined) fields['param'] = err.param
  if (err.code === 'internal_error' && err.cause instanceof Error) fields['stack'] = err.cause.stack
  logEvent(ctx.log, 'request_error', fields, err.status >= 500 ? 'error' : 'warn')
}
