/**
 * The classification API's route contract. Each endpoint is one file under routes/ exporting an
 * ApiRoute; routes/index.ts lists them. Adding an endpoint: write the file, add one line there.
 */
import type { IncomingHttpHeaders } from 'node:http'
import type { z } from 'zod'
import type { RouterConfig } from '../config/schema/index.js'
import type { RouterError } from '../errors.js'
import type { Logger } from '../log.js'
import type { RouterMetrics } from '../metrics/router-metrics.js'
import type { CallerIdentity } from '../pipeline/caller.js'
import type { Runtime } from '../pipeline/runtime.js'

export type HttpMethod = 'GET' | 'POST' | 'PUT' | 'DELETE'

export interface ApiRequest<Body = unknown> {
  readonly method: HttpMethod
  readonly path: string
  readonly query: URLSearchParams
  readonly headers: IncomingHttpHeaders
  /**
   * The JSON body for POST/PUT (size-bounded) as the route's request schema parsed it; undefined
   * for GET.
   */
  readonly body: Body
  readonly requestId: string
  /** Aborted when the client disconnects or the route exceeds its time budget. */
  readonly signal: AbortSignal
  /**
   * Who is calling (routes that are not public): the API key's identity when authentication is
   * on, else the hash of the Authorization header, or anonymous.
   */
  readonly caller?: CallerIdentity
}

export interface ApiResponse {
  readonly status?: number
  /** Serialised as JSON. */
  readonly body: unknown
  readonly headers?: Readonly<Record<string, string>>
}

export interface ApiContext {
  readonly log: Logger
  readonly metrics: RouterMetrics
  /**
   * The runtime for this request (leased for its duration, so a config reload cannot close it
   * mid-request); undefined while the router is still starting.
   */
  runtime(): Runtime | undefined
  /**
   * The config in force: this request's runtime's, else the current runtime's, else the one the
   * router is starting with (undefined only for a server built without one).
   */
  config(): RouterConfig | undefined
  /** When the process started serving the API. */
  readonly startedAt: Date
  /** The router is shutting down (SIGTERM): readiness answers 503 so no new traffic comes. */
  readonly stopping?: () => boolean
}

/** A JSON Schema (2020-12, as OpenAPI 3.1 uses) describing a request or response body. */
export type JsonSchema = Readonly<Record<string, unknown>>

export interface ApiRoute<Body = unknown> {
  readonly method: HttpMethod
  /** Exact path, e.g. `/api/v1/classify/intent`. */
  readonly path: string
  /** One line for the API overview and the OpenAPI document. */
  readonly summary: string
  /**
   * Who may call it when `security.auth` covers the API: `public` (probes, the OpenAPI document),
   * `caller` (any valid key; the default), `admin` (keys with `admin: true`: cache flush, config
   * views).
   */
  readonly access?: 'public' | 'caller' | 'admin'
  /**
   * Body schemas. The server validates each request body with `request` before `handle` runs
   * (400 `invalid_request` naming the field); /openapi.json documents both. Routes without them
   * are listed with their summary only.
   */
  readonly schema?: { readonly request?: z.ZodType<Body>; readonly response?: z.ZodType }
  /** Route-specific details for a body the request schema refused (e.g. upstream error types). */
  invalidBody?(issue: z.core.$ZodIssue): Readonly<Record<string, unknown>> | undefined
  handle(req: ApiRequest<Body>, ctx: ApiContext): ApiResponse | Promise<ApiResponse>
  /**
   * Called when the server fails a request for this route itself: its body could not be read or
   * parsed, or it ran out of time (or the client left) before the handler answered. Errors the
   * handler throws are the handler's own to observe.
   */
  rejected?(err: RouterError, ctx: ApiContext): void
}
