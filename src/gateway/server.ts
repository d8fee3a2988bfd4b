/**
 * The standalone OpenAI-compatible gateway (default port 8801), on node:http.
 *
 * Routes: POST /v1/chat/completions (routed through the pipeline and forwarded upstream),
 * GET /v1/models (the auto model plus configured models), GET /health. Each request leases the
 * runtime current at its start (hot reload never changes the rules under a request in flight).
 */
import type { IncomingMessage, ServerResponse } from 'node:http'
import type { RouterConfig } from '../config/schema/index.js'
import { decideWithin } from '../edge/decide.js'
import { CHAT_PATH } from '../edge/paths.js'
import { edgeErrorReason, RequestEdge, type EdgeRequest } from '../edge/request-edge.js'
import { RouterError, toRouterError } from '../errors.js'
import { serverOverloaded } from '../edge/body-budget.js'
import { readBody } from '../http/body.js'
import type { Listening } from '../http/listen.js'
import { sendError, sendJson, type ErrorContext } from '../http/respond.js'
import { HttpListener } from '../http/server.js'
import { logEvent, type Logger } from '../log.js'
import type { RuntimeServices } from '../runtime/services.js'
import type { RouterMetrics } from '../metrics/router-metrics.js'
import type { RequestMeta, RequestOutcome } from '../pipeline/types.js'
import type { Runtime, RuntimeSource } from '../pipeline/runtime.js'
import { ClientWatch } from './client-watch.js'
import { relay, type RelayDeps } from './relay.js'
import { RetryBudget } from './retry-budget.js'
import { UpstreamPools } from './upstream-pool.js'

export interface GatewayOptions {
  readonly runtimes: RuntimeSource<Runtime>
  readonly log: Logger
  readonly metrics: RouterMetrics
  /** Longest time a client may take to send a whole request (slow-loris bound). */
  readonly requestTimeoutMs?: number
}

/** Errors the pipeline already logged and counted (so the edge does not log them twice). */
const reported = new WeakSet<RouterError>()

const TRANSPORT = 'gateway'
const HEALTH_BODY = '{"status":"healthy","service":"gateway"}'

export class Gateway {
  private readonly listener: HttpListener
  private readonly options: GatewayOptions
  private pools: UpstreamPools | undefined
  /** Retries of the last 10 s against requests (kept across reloads). */
  private readonly budget = new RetryBudget()
  private readonly inflightGauge: { inc(): void; dec(): void }
  /** What relay() needs besides the request (the same for every request). */
  private readonly relayDeps: RelayDeps
  /** The request edge of the config last seen (rebuilt when a reload changes the config). */
  private edge: { readonly config: RouterConfig; readonly edge: RequestEdge } | undefined

  constructor(options: GatewayOptions) {
    this.options = options
    this.inflightGauge = options.metrics.inflightRequests.labels({ transport: TRANSPORT })
    this.relayDeps = {
      metrics: options.metrics,
      log: options.log,
      budget: this.budget,
      pools: () => this.currentPools(),
    }
    this.listener = new HttpListener(
      {
        requestTimeoutMs: options.requestTimeoutMs ?? 60_000,
        headersTimeoutMs: 30_000,
        keepAliveTimeoutMs: 65_000,
      },
      (req, res) => void this.handle(req, res),
    )
  }

  listen(port: number, host: string): Promise<Listening> {
    return this.listener.listen(port, host)
  }

  /** Drain: stop accepting, let requests in flight finish for up to graceMs, then cut the rest. */
  async close(graceMs: number): Promise<void> {
    await this.listener.close(graceMs)
    await this.pools?.destroy()
  }

  private edgeFor(runtime: { config: RouterConfig; services: RuntimeServices }): RequestEdge {
    const { config, services } = runtime
    if (this.edge?.config !== config)
      this.edge = {
        config,
        edge: RequestEdge.fromConfig(config, {
          listener: 'gateway',
          keys: services.state,
          onError: (err) =>
            logEvent(services.log, 'api_keys_unreadable', { error: err.message }, 'error'),
        }),
      }
    return this.edge.edge
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const runtime = this.options.runtimes.current()
    const edge = this.edgeFor(runtime)
    const request = edge.describe({
      method: req.method ?? '',
      target: req.url ?? '/',
      headers: req.headers,
    })
    const errCtx: ErrorContext = {
      log: this.options.log,
      requestId: request.requestId,
      transport: TRANSPORT,
      method: request.method,
      path: request.path,
    }
    try {
      if (request.rejection) {
        if (request.rejection.counted)
          this.options.metrics.recordError(undefined, request.rejection.error.code)
        sendError(res, request.rejection.error, {
          ...errCtx,
          headers: request.rejection.headers,
          closeConnection: !req.complete,
        })
        return
      }
      switch (request.kind) {
        case 'chat':
          await this.chat(req, res, request, edge, errCtx)
          return
        case 'models':
          sendJson(res, 200, JSON.stringify(runtime.pipeline.listModels('gateway')), {
            'x-request-id': request.requestId,
          })
          return
        case 'passthrough':
          // The gateway has no upstream for paths outside the table; only its own probe is local.
          if (request.path === '/health' && request.method === 'GET')
            sendJson(res, 200, HEALTH_BODY, {})
          else
            throw new RouterError(
              'route_not_found',
              `No route for ${request.method} ${request.path}`,
            )
      }
    } catch (err) {
      const error = toRouterError(err)
      const logged = reported.has(error)
      if (!logged && request.kind === 'chat')
        this.options.metrics.recordError(undefined, edgeErrorReason(error.code))
      sendError(res, error, { ...errCtx, closeConnection: !req.complete, logged })
    }
  }

  private async chat(
    req: IncomingMessage,
    res: ServerResponse,
    request: EdgeRequest,
    edge: RequestEdge,
    errCtx: ErrorContext,
  ): Promise<void> {
    const startedAt = performance.now()
    const lease = this.options.runtimes.acquire()
    const runtime = lease.runtime
    const client = new ClientWatch(res)
    this.inflightGauge.inc()
    const limit = runtime.config.server.max_inflight_body_bytes
    const bytes = runtime.services.state.requestBytes.open(limit)
    try {
      const body = await readBody(req, edge.maxBodyBytes, {
        // Methods, not named arrows (tsx's keepNames would define a name on each per request).
        grow(total) {
          return bytes.grow(total)
        },
        refusal() {
          return serverOverloaded(limit)
        },
      })
      const meta: RequestMeta = {
        requestId: request.requestId,
        transport: TRANSPORT,
        method: 'POST',
        path: CHAT_PATH,
        headers: request.headers,
        acceptsEventStream: request.acceptsEventStream,
        caller: request.caller,
        startedAt,
        get signal() {
          return client.signal
        },
      }
      let outcome: RequestOutcome
      try {
        outcome = await decideWithin(
          runtime.pipeline,
          body,
          meta,
          edge.deadlineMs,
          () => client.expire(),
          this.options.log,
        )
      } catch (err) {
        // The pipeline has already logged and counted its own rejections.
        if (err instanceof RouterError && err.code !== 'processing_timeout') reported.add(err)
        throw err
      }
      if (outcome.action === 'respond') {
        const r = outcome.response
        sendJson(res, r.status, r.body, { ...r.headers, 'x-request-id': request.requestId })
        return
      }
      await relay(outcome, { runtime, req, res, request, client, errCtx }, this.relayDeps)
    } finally {
      bytes.release()
      client.dispose()
      lease.release()
      this.inflightGauge.dec()
    }
  }

  /**
   * Pools for the current config's `upstream` settings; replaced (old ones drained) when a reload
   * changes them. Requests still running on an older runtime use the current pools too.
   */
  private currentPools(): UpstreamPools {
    const settings = this.options.runtimes.current().config.upstream
    const current = this.pools
    if (current?.matches(settings)) return current
    this.pools = new UpstreamPools(settings)
    void current?.close()
    return this.pools
  }
}
