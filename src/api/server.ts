/**
 * The classification HTTP API (default port 8080), on node:http with a static route table.
 *
 * Bounded on every side: request bodies (server.max_body_bytes), time to receive a request, and a
 * time budget per route (504 `processing_timeout`). Errors use upstream's API shape
 * (`{"error":{"code","message","timestamp"}}`) and are logged once.
 */
import type { IncomingMessage, ServerResponse } from 'node:http'
import { RouterError, toRouterError } from '../errors.js'
import { parseJsonBody, readBody } from '../http/body.js'
import { untilAborted } from '../http/deadline.js'
import type { Listening } from '../http/listen.js'
import { requestIdFrom } from '../http/request-id.js'
import { sendError, sendJson } from '../http/respond.js'
import { HttpListener } from '../http/server.js'
import type { Lease, Runtime, RuntimeSource } from '../pipeline/runtime.js'
import type { RouterConfig } from '../config/schema/index.js'
import {
  CREDENTIAL_HEADERS,
  identifyCaller,
  type CallerIdentity,
  type KeyLookup,
} from '../pipeline/caller.js'
import { consoleAccess, type ConsoleHttp } from '../console/http.js'
import { apiErrorBody } from './errors.js'
import { parseBody } from './schema.js'
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
  /**
   * The API keys the listener requires now (`security.auth` with `listeners.api`), or undefined
   * when it requires none. Asked per request, so a reload that turns auth on applies at once.
   */
  readonly keys?: () => KeyLookup | undefined
  /** The console (`/ui/`), served behind the same checks as the API routes. */
  readonly console?: ConsoleHttp
}

const TRANSPORT = 'api'

/** How long close() lets requests in flight finish. */
const CLOSE_GRACE_MS = 1_000

export class ApiServer {
  private readonly listener: HttpListener
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
    this.listener = new HttpListener(
      { requestTimeoutMs: 30_000, headersTimeoutMs: 30_000, keepAliveTimeoutMs: 60_000 },
      (req, res) => void this.handle(req, res),
    )
  }

  listen(port: number, host: string): Promise<Listening> {
    return this.listener.listen(port, host)
  }

  close(): Promise<void> {
    return this.listener.close(CLOSE_GRACE_MS)
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://api.local')
    const path = url.pathname.length > 1 ? url.pathname.replace(/\/+$/, '') : url.pathname
    const requestId = requestIdFrom(req.headers['x-request-id']).id
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
      if (this.options.console?.owns(url.pathname)) {
        this.authorize(consoleAccess(url.pathname), url.pathname, req.headers)
        await this.options.console.handle({
          req,
          res,
          pathname: url.pathname,
          query: url.searchParams,
          requestId,
          runtimes: this.options.runtimes,
          readJson: async () => parseJsonBody(await readBody(req, this.options.maxBodyBytes)),
        })
        return
      }
      route = this.route(req.method ?? 'GET', path)
      const caller = this.authorize(route.access ?? 'caller', route.path, req.headers)
      const hasBody = route.method === 'POST' || route.method === 'PUT'
      // State-changing routes take JSON only: a browser cannot send that cross-site without a
      // CORS preflight (which this API never grants), so no web page can trigger them.
      if (hasBody) requireJson(req.headers['content-type'])
      const json = hasBody
        ? parseJsonBody(await readBody(req, this.options.maxBodyBytes))
        : undefined
      const schema = route.schema?.request
      const body = schema ? parseBody(schema, json, (i) => route?.invalidBody?.(i)) : json
      const request: ApiRequest = {
        method: route.method,
        path,
        query: url.searchParams,
        headers: req.headers,
        body,
        requestId,
        signal: aborter.signal,
        ...(caller ? { caller } : {}),
      }
      lease = this.options.runtimes()?.acquire()
      const ctx = context(lease?.runtime)
      handlerRunning = true
      const result = await untilAborted(
        Promise.resolve(route.handle(request, ctx)),
        aborter.signal,
        timeoutMs,
      )
      sendJson(res, result.status ?? 200, JSON.stringify(result.body), {
        ...result.headers,
        'content-type': 'application/json',
        'x-request-id': requestId,
      })
    } catch (err) {
      const error = toRouterError(err)
      if (route && (!handlerRunning || aborter.signal.aborted))
        route.rejected?.(error, context(lease?.runtime))
      sendError(res, error, {
        log: this.options.log,
        requestId,
        transport: TRANSPORT,
        method: req.method ?? '',
        path,
        closeConnection: !req.complete,
        body: apiErrorBody,
        headers:
          error.code === 'method_not_allowed'
            ? { allow: [...(this.table.get(path)?.keys() ?? [])].join(', ') }
            : {},
      })
    } finally {
      clearTimeout(timer)
      lease?.release()
    }
  }

  /**
   * 401 without a valid key, 403 for a non-admin key on an admin route (when auth is on). Returns
   * who is calling (without auth: the hash of the Authorization header, or anonymous), for routes
   * that keep callers apart; undefined on public routes.
   */
  private authorize(
    access: NonNullable<ApiRoute['access']>,
    path: string,
    headers: IncomingMessage['headers'],
  ): CallerIdentity | undefined {
    if (access === 'public') return undefined
    const keys = this.options.keys?.()
    const flat: Record<string, string> = {}
    for (const name of CREDENTIAL_HEADERS) {
      const value = headers[name]
      if (typeof value === 'string') flat[name] = value
    }
    const caller = identifyCaller(flat, { keys })
    if (caller instanceof RouterError) throw caller
    if (keys !== undefined && access === 'admin' && !caller.admin)
      throw new RouterError('permission_denied', `${path} needs an admin key`)
    return caller
  }

  private route(method: string, path: string): ApiRoute {
    const byMethod = this.table.get(path)
    if (!byMethod) throw new RouterError('route_not_found', `No route for ${method} ${path}`)
    const route = byMethod.get(method) ?? (method === 'HEAD' ? byMethod.get('GET') : undefined)
    if (!route) throw new RouterError('method_not_allowed', `${method} is not allowed on ${path}`)
    return route
  }
}

/** `application/json` or `*+json`, parameters allowed; anything else (or none) is 415. */
function requireJson(contentType: string | undefined): void {
  const type = (contentType ?? '').split(';')[0]!.trim().toLowerCase()
  if (type === 'application/json' || type.endsWith('+json')) return
  throw new RouterError(
    'unsupported_media_type',
    `Content-Type ${type === '' ? '(none)' : type} is not accepted here; send application/json`,
  )
}
