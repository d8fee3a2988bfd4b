/**
 * The classification HTTP API (default port 8080), on node:http with a static route table.
 *
 * Bounded on every side: request bodies (server.max_body_bytes), time to receive a request, and a
 * time budget per route (504 `processing_timeout`). Errors use upstream's API shape
 * (`{"error":{"code","message","timestamp"}}`) and are logged once.
 */
import { randomUUID } from 'node:crypto'
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http'
import { RouterError, toRouterError } from '../errors.js'
import { readBody } from '../gateway/body.js'
import { logRequestError } from '../gateway/respond.js'
import { acceptableRequestId } from '../gateway/headers.js'
import { listen, type Listening } from '../http/listen.js'
import type { Lease, RuntimeSource } from '../pipeline/runtime.js'
import type { Runtime } from '../pipeline/runtime.js'
import type { RouterConfig } from '../config/schema/index.js'
import { apiErrorBody } from './errors.js'
import { API_ROUTES } from './routes/index.js'
import type { ApiContext, ApiRequest, ApiRoute } from './types.js'

export interface ApiServerOptions extends Omit<ApiContext, 'runtime' | 'config'> {
  /** Source of the runtime; undefined while the router is still starting. */
  readonly runtimes: () => RuntimeSource<Runtime> | undefined
  /** The config the router is starting with (ApiContext.config() until a runtime exists). */
  readonly startupConfig?: RouterConfig
  readonly routes?: readonly ApiRoute[]
  /** Largest request body (bytes). */
  readonly maxBodyBytes: number
  /** Time budget per request, from the first byte to the answer. */
  readonly routeTimeoutMs?: number
}

const TRANSPORT = 'api'

export class ApiServer {
  readonly server: Server
  private readonly options: ApiServerOptions
  private readonly table = new Map<string, Map<string, ApiRoute>>()

  constructor(options: ApiServerOptions) {
    this.options = options
    for (const route of options.routes ?? API_ROUTES) {
      let byMethod = this.table.get(route.path)
      if (!byMethod) this.table.set(route.path, (byMethod = new Map<string, ApiRoute>()))
      if (byMethod.has(route.method))
        throw new Error(`duplicate API route ${route.method} ${route.path}`)
      byMethod.set(route.method, route)
    }
    this.server = createServer(
      { requestTimeout: 30_000, headersTimeout: 30_000, keepAliveTimeout: 60_000 },
      (req, res) => void this.handle(req, res),
    )
  }

  listen(port: number, host: string): Promise<Listening> {
    return listen(this.server, port, host)
  }

  close(): Promise<void> {
    return new Promise((resolve) => {
      this.server.close(() => resolve())
      this.server.closeIdleConnections()
      setTimeout(() => this.server.closeAllConnections(), 1_000).unref()
    })
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://api.local')
    const path = url.pathname.length > 1 ? url.pathname.replace(/\/+$/, '') : url.pathname
    const requestId = acceptableRequestId(req.headers['x-request-id']) ?? randomUUID()
    const timeoutMs = this.options.routeTimeoutMs ?? 30_000
    const aborter = new AbortController()
    const timer = setTimeout(() => aborter.abort(), timeoutMs)
    res.once('close', () => aborter.abort())
    let lease: Lease<Runtime> | undefined
    let route: ApiRoute | undefined
    let handlerRunning = false
    const context = (leased: Runtime | undefined): ApiContext => ({
      ...this.options,
      runtime: () => leased,
      config: () =>
        (leased ?? this.options.runtimes()?.current())?.config ?? this.options.startupConfig,
    })
    try {
      route = this.route(req.method ?? 'GET', path)
      const hasBody = route.method === 'POST' || route.method === 'PUT'
      const body = hasBody ? parseJson(await readBody(req, this.options.maxBodyBytes)) : undefined
      const request: ApiRequest = {
        method: route.method,
        path,
        query: url.searchParams,
        headers: req.headers,
        body,
        requestId,
        signal: aborter.signal,
      }
      lease = this.options.runtimes()?.acquire()
      const ctx = context(lease?.runtime)
      handlerRunning = true
      const result = await withTimeout(
        Promise.resolve(route.handle(request, ctx)),
        aborter.signal,
        timeoutMs,
      )
      const text = JSON.stringify(result.body)
      res.writeHead(result.status ?? 200, {
        ...result.headers,
        'content-type': 'application/json',
        'content-length': Buffer.byteLength(text),
        'x-request-id': requestId,
      })
      res.end(text)
    } catch (err) {
      const error = toRouterError(err)
      if (route && (!handlerRunning || aborter.signal.aborted))
        route.rejected?.(error, context(lease?.runtime))
      logRequestError(error, {
        log: this.options.log,
        requestId,
        transport: TRANSPORT,
        method: req.method ?? '',
        path,
      })
      if (res.headersSent || res.destroyed) return
      const text = JSON.stringify(apiErrorBody(error))
      const headers: Record<string, string | number> = {
        'content-type': 'application/json',
        'content-length': Buffer.byteLength(text),
        'x-request-id': requestId,
      }
      if (!req.complete) headers['connection'] = 'close'
      if (error.code === 'method_not_allowed')
        headers['allow'] = [...(this.table.get(path)?.keys() ?? [])].join(', ')
      res.writeHead(error.status, headers)
      res.end(text)
    } finally {
      clearTimeout(timer)
      lease?.release()
    }
  }

  private route(method: string, path: string): ApiRoute {
    const byMethod = this.table.get(path)
    if (!byMethod) throw new RouterError('route_not_found', `No route for ${method} ${path}`)
    const route = byMethod.get(method) ?? (method === 'HEAD' ? byMethod.get('GET') : undefined)
    if (!route) throw new RouterError('method_not_allowed', `${method} is not allowed on ${path}`)
    return route
  }
}

function parseJson(raw: Buffer): unknown {
  if (raw.length === 0) return undefined
  try {
    return JSON.parse(raw.toString('utf8'))
  } catch (err) {
    throw new RouterError(
      'invalid_json',
      `Request body is not valid JSON: ${(err as Error).message}`,
    )
  }
}

function withTimeout<T>(work: Promise<T>, signal: AbortSignal, timeoutMs: number): Promise<T> {
  if (signal.aborted) return Promise.reject(timeoutError(timeoutMs))
  return new Promise<T>((resolve, reject) => {
    const onAbort = (): void => reject(timeoutError(timeoutMs))
    signal.addEventListener('abort', onAbort, { once: true })
    work.then(
      (v) => {
        signal.removeEventListener('abort', onAbort)
        resolve(v)
      },
      (e: unknown) => {
        signal.removeEventListener('abort', onAbort)
        reject(e instanceof Error ? e : new Error(String(e)))
      },
    )
  })
}

function timeoutError(timeoutMs: number): RouterError {
  return new RouterError('processing_timeout', `Request did not finish within ${timeoutMs} ms`)
}
