/** Small HTTP helpers shared by the simulator's handlers. */
import { once } from 'node:events'
import type { ServerResponse } from 'node:http'
import { setTimeout as sleepTimer } from 'node:timers/promises'
import { sendJson as sendHttpJson } from '../http/respond.js'

/** Sent on every response so nobody mistakes the simulator for a real model server. */
export const SIMULATOR_HEADER = 'x-simulator'
export const SIMULATOR_NAME = 'semantic-router-simulator'

const ERROR_TYPES: Record<number, string> = {
  400: 'BadRequestError',
  401: 'AuthenticationError',
  403: 'PermissionDeniedError',
  404: 'NotFoundError',
  405: 'MethodNotAllowedError',
  408: 'RequestTimeoutError',
  413: 'RequestEntityTooLargeError',
  422: 'UnprocessableEntityError',
  429: 'RateLimitError',
  500: 'InternalServerError',
  502: 'BadGatewayError',
  503: 'ServiceUnavailableError',
  504: 'GatewayTimeoutError',
}

/** The error envelope vLLM's OpenAI server sends: `{error: {message, type, param, code}}`. */
export function errorBody(status: number, message: string): string {
  const type = ERROR_TYPES[status] ?? (status >= 500 ? 'InternalServerError' : 'BadRequestError')
  return JSON.stringify({ error: { message, type, param: null, code: status } })
}

/** A JSON answer marked as the simulator's. */
export function sendJson(
  res: ServerResponse,
  status: number,
  body: string,
  headers: Record<string, string> = {},
): void {
  sendHttpJson(res, status, body, { [SIMULATOR_HEADER]: SIMULATOR_NAME, ...headers })
}

export function sendError(res: ServerResponse, status: number, message: string): void {
  sendJson(res, status, errorBody(status, message))
}

/** Sleep that ends early (rejecting) when the signal aborts. */
export async function sleep(ms: number, signal: AbortSignal): Promise<void> {
  if (ms <= 0) {
    signal.throwIfAborted()
    return
  }
  await sleepTimer(ms, undefined, { signal })
}

/** Write with backpressure: waits for 'drain' when the socket buffer is full. */
export async function writeChunk(
  res: ServerResponse,
  chunk: string,
  signal: AbortSignal,
): Promise<void> {
  signal.throwIfAborted()
  if (!res.write(chunk)) await once(res, 'drain', { signal })
}

/**
 * Cut the connection the way a crashed server does, after what was written has been flushed
 * (a plain destroy() would throw away buffered chunks the client should still see).
 */
export function cutConnection(res: ServerResponse): void {
  const socket = res.socket
  if (!socket) return
  socket.end()
  // If the peer does not close its side, do not keep the socket around.
  setTimeout(() => socket.destroy(), 1000).unref()
}

/** Wait until the signal aborts (for `hang`). */
export function untilAborted(signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal.aborted) resolve()
    else signal.addEventListener('abort', () => resolve(), { once: true })
  })
}

export function isAbortError(err: unknown): boolean {
  return err instanceof Error && (err.name === 'AbortError' || err.name === 'ClientClosed')
}
